import { test, expect } from '@playwright/test';
import { LostClaimForm } from '../pages/claim-form';

// Issue 15, "the form behaves": the tracking number field, errors that go
// away once fixed and a summary that leads to each field, and the contact
// form's files.

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
});

test('Enter in the tracking number looks the parcel up instead of submitting; an unknown one is said at the field', async ({ page }) => {
  const form = new LostClaimForm(page);
  await form.open();
  const lookups: string[] = [];
  let claims = 0;
  page.on('request', (r) => {
    if (r.url().includes('/api/parcels/tracking/')) lookups.push(new URL(r.url()).pathname);
    if (r.method() === 'POST' && r.url().includes('/api/dsf/tickets')) claims += 1;
  });

  // Typed in groups and lower case: looked up without spaces, upper-cased.
  await form.trackingNumber.fill(' nope 404 x');
  await form.trackingNumber.press('Enter');
  await form.expectInvalid(form.trackingNumber, 'We could not find a parcel with this tracking number. Please check it.');
  expect(lookups[0]).toBe('/api/parcels/tracking/NOPE404X');
  expect(claims).toBe(0);
  await expect(form.banner).toHaveCount(0);
  await expect(form.field('What was in the parcel?')).not.toHaveAttribute('aria-invalid', 'true');

  await form.trackingNumber.fill('pd-transit-0001 ');
  await form.trackingNumber.press('Enter');
  await expect(form.widget.getByText(/Latest status/)).toBeVisible();
  await expect(form.trackingNumber).not.toHaveAttribute('aria-invalid', 'true');
  expect(lookups).toContain('/api/parcels/tracking/PD-TRANSIT-0001');
  expect(claims).toBe(0);
  await expect(form.trackingNumber).toHaveValue('pd-transit-0001 ');
});

test('the error summary links to each field, and an error goes as soon as its field is valid', async ({ page }) => {
  const form = new LostClaimForm(page);
  await form.open();
  await form.submit.click();
  await expect(form.banner).toContainText('Some answers need your attention.');
  const toContents = form.banner.getByRole('link', { name: 'What was in the parcel?' });
  await expect(form.banner.getByRole('link', { name: 'Tracking number' })).toBeVisible();
  await toContents.click();
  await expect(form.field('What was in the parcel?')).toBeFocused();
  expect(new URL(page.url()).hash).toBe('');

  await form.field('What was in the parcel?').fill('Two mugs');
  await expect(form.field('What was in the parcel?')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(toContents).toHaveCount(0);

  // Each rule its own message, while the value changes.
  const price = form.widget.getByRole('group', { name: /Value of the contents/ }).getByLabel('Amount');
  await price.fill('0');
  await form.expectInvalid(price, 'Must be more than 0.');
  await price.fill('-5');
  await form.expectInvalid(price, 'Must be more than 0.');
  await price.fill('five');
  await form.expectInvalid(price, 'Please enter a number, e.g. 12.50.');
  await price.fill('5');
  await expect(price).not.toHaveAttribute('aria-invalid', 'true');
  await page.screenshot({ path: 'screenshots/claim-error-summary.png', fullPage: true });
});

test('contact: files picked one after another are all kept and each can be removed', async ({ page }) => {
  await page.goto('/?view=contact');
  const w = page.locator('parcel-desk');
  await expect(w.getByRole('heading', { name: 'Ask the shop' })).toBeVisible();
  await expect(w.getByLabel('Reference type')).toContainText('Product number');

  const files = w.getByLabel('Files', { exact: true });
  await files.setInputFiles(['fixtures/invoice.pdf', 'fixtures/purchase.pdf']);
  await expect(w.getByText('invoice.pdf: Uploaded')).toBeVisible();
  await expect(w.getByText('purchase.pdf: Uploaded')).toBeVisible();
  await files.setInputFiles('fixtures/statement.pdf');
  await expect(w.getByText('statement.pdf: Uploaded')).toBeVisible();
  await expect(w.getByText('invoice.pdf: Uploaded')).toBeVisible();
  await w.getByRole('button', { name: 'Remove purchase.pdf' }).click();
  await expect(w.getByText('purchase.pdf: Uploaded')).toHaveCount(0);

  await w.getByLabel(/^Your name/).fill('Alex Example');
  await w.getByLabel(/^Subject/).fill('Two files');
  await w.getByLabel(/^Your message/).fill('The invoice and the statement.');
  const sent = page.waitForRequest((r) => r.url().endsWith('/api/channel/ticket') && r.method() === 'POST');
  await w.getByRole('button', { name: 'Send message' }).click();
  const body = JSON.parse((await sent).postData()!);
  expect(body.attachments.map((a: { filename: string }) => a.filename)).toEqual(['invoice.pdf', 'statement.pdf']);
  await expect(w.getByRole('heading', { name: 'Your message was sent' })).toBeVisible();
});
