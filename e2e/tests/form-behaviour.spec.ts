import { test, expect } from '@playwright/test';
import { ClaimForm } from '../pages/claim-form';

// Issue 15, "the form behaves": the tracking number field, errors that go
// away once fixed and a summary that leads to each field, and the contact
// form's files.

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
});

test('Enter in the tracking number looks the parcel up instead of submitting; an unknown one is said at the field', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open();
  // Until "What happened?" is answered, no other question shows.
  await expect(form.f('contents_label')).toHaveCount(0);
  await expect(form.f('email')).toHaveCount(0);
  await form.choose('lost');
  await expect(form.f('contents_label')).toBeVisible();
  const lookups: string[] = [];
  let claims = 0;
  page.on('request', (r) => {
    if (r.url().includes('/api/parcels/tracking/')) lookups.push(new URL(r.url()).pathname);
    if (r.method() === 'POST' && r.url().includes('/api/claims')) claims += 1;
  });

  // Typed in groups and lower case: looked up without spaces, upper-cased.
  await form.trackingNumber.fill(' nope 404 x');
  await form.trackingNumber.press('Enter');
  await form.expectInvalid(form.trackingNumber, 'We could not find a parcel with this tracking number. Please check it.');
  expect(lookups[0]).toBe('/api/parcels/tracking/NOPE404X');
  expect(claims).toBe(0);
  await expect(form.banner).toHaveCount(0);
  await expect(form.f('contents_label')).not.toHaveAttribute('aria-invalid', 'true');

  await form.trackingNumber.fill('pd-own-0003 ');
  await form.trackingNumber.press('Enter');
  await expect(form.widget.getByText(/Latest status/)).toBeVisible();
  await expect(form.trackingNumber).not.toHaveAttribute('aria-invalid', 'true');
  expect(lookups).toContain('/api/parcels/tracking/PD-OWN-0003');
  expect(claims).toBe(0);
  await expect(form.trackingNumber).toHaveValue('pd-own-0003 ');
  await expect(form.banner).toHaveCount(0);
  await expect(form.successHeading).toHaveCount(0);
});

test('the error summary links to each field, and an error goes as soon as its field is valid', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open();

  // Nothing chosen yet: the summary asks what happened, and leads there.
  await form.submit.click();
  await expect(form.banner).toContainText('Some answers need your attention. Nothing you entered was lost.');
  const toSituation = form.banner.getByRole('link', { name: 'What happened?' });
  await toSituation.click();
  await expect(form.widget.getByRole('radio', { name: 'My parcel has not arrived' })).toBeFocused();
  await form.choose('lost');
  await expect(toSituation).toHaveCount(0);

  await form.submit.click();
  await expect(form.banner).toContainText('Some answers need your attention.');
  for (const name of ['Tracking number', 'What was in the parcel?', 'Email', 'Name',
    'I confirm that I have not received this parcel.', 'Your full name, as your signature']) {
    await expect(form.banner.getByRole('link', { name, exact: true })).toBeVisible();
  }
  const toContents = form.banner.getByRole('link', { name: 'What was in the parcel?' });
  await toContents.click();
  await expect(form.f('contents_label')).toBeFocused();
  expect(new URL(page.url()).hash).toBe('');

  await form.f('contents_label').fill('Two mugs');
  await expect(form.f('contents_label')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(toContents).toHaveCount(0);
  await form.trackingNumber.fill('PD-OWN-0003');
  await expect(form.trackingNumber).not.toHaveAttribute('aria-invalid', 'true');
  await expect(form.banner.getByRole('link', { name: 'Tracking number' })).toHaveCount(0);

  // Each rule its own message, while the value changes.
  const email = form.f('email');
  await email.fill('ann@');
  await form.expectInvalid(email, 'Please enter a valid email address.');
  await email.fill('ann@example.com');
  await expect(email).not.toHaveAttribute('aria-invalid', 'true');

  // The optional size: a size typed in part is flagged at the next submit,
  // then each rule says its own message while the value changes.
  await form.widget.getByText('Parcel size (optional)').click();
  const length = form.f('length');
  await length.fill('0');
  await form.f('width').fill('20');
  await form.f('height').fill('10');
  await form.submit.click();
  await form.expectInvalid(length, 'Must be more than 0.');
  await length.fill('-5');
  await form.expectInvalid(length, 'Must be more than 0.');
  await length.fill('five');
  await form.expectInvalid(length, 'Please enter a number, e.g. 12.50.');
  await length.fill('5');
  await expect(length).not.toHaveAttribute('aria-invalid', 'true');
  await page.screenshot({ path: 'screenshots/claim-error-summary.png', fullPage: true });

  // What is left: the name and the declaration; fixing them empties the summary.
  await form.f('name').fill('Ann Example');
  await form.declare();
  await expect(form.banner).toHaveCount(0);
  for (const f of ['tracking_number', 'contents_label', 'email', 'name', 'signed_name']) {
    await expect(form.f(f)).not.toHaveAttribute('aria-invalid', 'true');
  }
});

test('without the tracking number, the order number is asked instead', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open();
  await form.widget.getByRole('button', { name: "I don't have the tracking number" }).click();
  await expect(form.trackingNumber).toHaveCount(0);
  await expect(form.f('order_number')).toBeVisible();
  await form.widget.getByRole('button', { name: 'Use the tracking number instead' }).click();
  await expect(form.trackingNumber).toBeVisible();
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
