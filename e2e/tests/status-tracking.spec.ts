import { test, expect, type Page } from '@playwright/test';
import { ClaimForm } from '../pages/claim-form';
import { noisyJpeg } from '../pages/photos';
import { shoot } from '../pages/shots';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
});

test('from "claim submitted" to the live status without retyping, and back by bookmark', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open('?claim=address-change');
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.f('new_address_label').fill('Keizersgracht 1, 1015 CJ Amsterdam');
  await form.customer();
  await form.submit.click();
  await expect(form.successHeading).toBeVisible();
  await form.widget.getByRole('button', { name: 'Follow this claim' }).click();

  const w = form.widget;
  await expect(w.getByRole('heading', { name: 'Claim status' })).toBeVisible();
  // Upstream registers the claim asynchronously: first "received", then the carrier's ticket.
  await expect(w.getByText('Filed with the carrier')).toBeVisible({ timeout: 30_000 });
  const progress = w.getByRole('list', { name: 'Progress' });
  await expect(progress.getByText('With the carrier')).toHaveAttribute('aria-current', 'step');
  await expect(progress.getByText('Received')).toHaveClass(/pd-step-done/);
  const link = await w.locator('a.pd-bookmark').getAttribute('href');
  // The link names the claim by its reference; the token never goes in it.
  expect(link).toMatch(/\?view=status&ref=PD-[0-9A-Z]{4}-[0-9A-Z]{2}$/);

  // A new tab (no stored token): the link opens the look-up with the
  // reference filled in; the e-mail address opens the claim.
  const other = await page.context().newPage();
  await other.goto(link!);
  const o = other.locator('parcel-desk');
  await expect(o.getByLabel(/^Claim reference/)).toHaveValue(/^PD-/);
  await o.getByLabel(/^Email address or postal code/).fill('someone@example.com');
  await o.getByRole('button', { name: 'Show status' }).click();
  await expect(o.getByRole('alert')).toContainText('No claim matches this reference or order number and this email address or postal code.');
  await o.getByLabel(/^Email address or postal code/).fill('ann@example.com');
  await o.getByRole('button', { name: 'Show status' }).click();
  await expect(o.getByText('Filed with the carrier')).toBeVisible({ timeout: 30_000 });
});

const BY_TICKET = 'Look up by ticket number and order number instead';

test('ticket number + order number show a resolved claim in customer words, never the amount', async ({ page }) => {
  await page.goto('/?view=status&lang=en');
  const w = page.locator('parcel-desk');
  await w.getByRole('button', { name: BY_TICKET }).click();
  await w.getByLabel(/^Ticket number/).fill('1003');
  await w.getByLabel(/^Order number/).fill('ord-1003 ');
  await w.getByRole('button', { name: 'Show status' }).click();
  await expect(w.getByRole('status').filter({ hasText: 'Resolved' })).toContainText(
    'The carrier compensated the shop. The shop will contact you about your refund or replacement.');
  await expect(w.getByText('€49.95')).toHaveCount(0);
  await expect(w.getByText('Compensation')).toHaveCount(0);
  await expect(w.getByRole('list', { name: 'Progress' }).getByText('Resolved')).toHaveAttribute('aria-current', 'step');
  await shoot(page, 'status-resolved');
});

test('a wrong order number reads exactly like a missing ticket', async ({ page }) => {
  await page.goto('/?view=status');
  const w = page.locator('parcel-desk');
  await w.getByRole('button', { name: BY_TICKET }).click();
  await w.getByLabel(/^Ticket number/).fill('1003');
  await w.getByLabel(/^Order number/).fill('ORD-9999');
  await w.getByRole('button', { name: 'Show status' }).click();
  await expect(w.getByRole('alert')).toContainText('We could not find a claim with this ticket number and order number.');
  await expect(w.getByLabel(/^Ticket number/)).toHaveValue('1003');
});

test('the carrier asks for data and the customer answers it right there', async ({ page, browser }) => {
  await page.goto('/?view=status&order=ORD-1002');
  const w = page.locator('parcel-desk');
  await w.getByRole('button', { name: BY_TICKET }).click();
  await w.getByLabel(/^Ticket number/).fill('1002');
  await w.getByRole('button', { name: 'Show status' }).click();
  await expect(w.getByText('The carrier needs something from you')).toBeVisible();
  await expect(w.getByRole('heading', { name: 'The carrier needs the following from you' })).toBeVisible();
  // The photo is the customer's to give; the sales invoice is the shop's
  // (not shown here).
  const invoice = w.locator('form.pd-request').filter({ hasText: 'Photo of the damage' });
  await expect(invoice).toBeVisible();
  await expect(w.locator('form.pd-request')).toHaveCount(1);
  await expect(w.getByText('Sales invoice')).toHaveCount(0);
  await shoot(page, 'status-requested');

  // An empty answer is refused with a message.
  await invoice.getByRole('button', { name: 'Send' }).click();
  await expect(invoice).toContainText('Please write an answer or add a file.');
  await invoice.getByLabel('Your answer').fill('Photo attached.');
  // Answered with a photo.
  const photo = await noisyJpeg(browser, 1600, 1200);
  await invoice.getByLabel('File').setInputFiles(photo);
  await expect(invoice.getByText(/parcel-desk-photo-1600x1200\.jpg: Uploaded/)).toBeVisible();
  await invoice.getByRole('button', { name: 'Send' }).click();
  await expect(w.getByText('Thank you, your answer was sent.')).toBeVisible();
});

test('tracking: a timeline in words, the address only with the right postal code', async ({ page }) => {
  await page.goto('/?view=track&tracking=PD-DELIVERED-0002');
  const w = page.locator('parcel-desk');
  await expect(w.getByRole('heading', { name: 'Delivered', exact: true })).toBeVisible();
  const timeline = w.locator('ol.pd-timeline li');
  await expect(timeline).toHaveCount(8);
  await expect(timeline.first()).toContainText('Delivered');
  await expect(w.locator('ol.pd-timeline')).toContainText('Delivery attempted');
  await expect(w.locator('ol.pd-timeline')).toContainText('Needs attention');
  await expect(w.locator('.pd-address')).toHaveCount(0);

  await w.getByLabel('Postal code of the delivery address').fill('1011ab');
  await w.getByRole('button', { name: 'Track', exact: true }).click();
  await expect(w.locator('.pd-address')).toContainText('Delivery address');
  await shoot(page, 'tracking');

  await w.getByLabel(/^Tracking number/).fill('NOPE-404');
  await w.getByLabel('Postal code of the delivery address').fill('');
  await w.getByRole('button', { name: 'Track', exact: true }).click();
  await expect(w.getByRole('alert')).toContainText('We could not find a parcel with this tracking number.');
});

test('the claim form says before anything else is answered what tracking allows', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open();
  await form.trackingNumber.fill('PD-DELIVERED-0002');
  await expect(form.widget.getByText('Latest status:')).toContainText('Delivered');
  await expect(form.widget.getByRole('radio', { name: form.t.situation_address }))
    .toHaveAccessibleDescription(form.t.already_delivered);
  await form.choose('lost');
  await expect(form.widget.getByText(form.t.filed_as_not_received)).toBeVisible();
  await shoot(page, 'claim-delivered-hint');

  // Too early: the merchant's window (5 days without news) is not over yet.
  await form.trackingNumber.fill('PD-RECENT-0006');
  await expect(form.widget.getByText(/If it has not arrived by .*, you can report it here/).first()).toBeVisible();
});

const TIMELINES: [string, string, number][] = [
  ['PD-TRANSIT-0001', 'On its way', 6],
  ['PD-DELIVERED-0002', 'Delivered', 8],
  ['PD-OWN-0003', 'On its way', 6],
  ['PD-OWN-NOCONTACT-0004', 'On its way', 4],
  ['PD-PORTAL-0005', 'Ready at the pick-up point', 4],
  ['PD-RECENT-0006', 'On its way', 6],
  ['PD-EXCEPTION-0007', 'Status unknown', 5],
];

for (const [number, latest, events] of TIMELINES) {
  test(`the tracking timeline of ${number}`, async ({ page }) => {
    await page.goto(`/?view=track&tracking=${number}`);
    const w = page.locator('parcel-desk');
    await expect(w.getByRole('heading', { name: latest, exact: true })).toBeVisible();
    await expect(w.locator('ol.pd-timeline li')).toHaveCount(events);
    await expect(w.locator('ol.pd-timeline li').first()).toContainText(latest);
  });
}

test("the status view follows a claim through the proxy's pipeline", async ({ page }) => {
  // The proxy's answers are replaced here so each state holds still long
  // enough to be seen; the real pipeline is in the proxy's tests.
  const id = '6f1c2a4e-8b1d-4c1e-9a63-2f6d1e0b7c55';
  let state = 'queued';
  await page.route(`**/api/dsf/tickets/${id}`, (route) =>
    route.fulfill({
      status: 202,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ticket_id: id, pending: true, state }),
    }));
  await page.goto(`/?view=status&lang=en&ticket=${id}#token=v1.test.token`);
  const w = page.locator('parcel-desk');
  const status = w.locator('.pd-phase');
  await expect(status).toContainText('registering it with the carrier');
  await expect(status).toContainText('your claim waits its turn and is sent by itself');
  await shoot(page, 'status-queued');
  state = 'filed';
  await w.getByRole('button', { name: 'Refresh' }).click();
  await expect(status).toContainText('Filed with the carrier');
  await expect(status).toContainText('The carrier has your claim');
});
