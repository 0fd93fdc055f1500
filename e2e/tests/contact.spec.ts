import { test, expect } from '@playwright/test';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
});

test("a question with an attachment reaches the seller, and the seller's reply appears", async ({ page }) => {
  await page.goto('/?view=contact&order=ORD-4711');
  const w = page.locator('parcel-desk');
  await expect(w.getByRole('heading', { name: 'Ask the shop' })).toBeVisible();

  // Every rule is checked before anything is sent.
  await w.getByRole('button', { name: 'Send message' }).click();
  await expect(w.getByRole('alert')).toContainText('Some answers need your attention.');
  await expect(w.getByLabel(/^Your name/)).toHaveAttribute('aria-invalid', 'true');
  await expect(w.getByLabel(/^Your message/)).toHaveAttribute('aria-invalid', 'true');

  await w.getByLabel('What is it about?').selectOption('DELIVERY');
  await w.getByLabel(/^Your name/).fill('Alex Example');
  await w.getByLabel(/^Subject/).fill('Where is my grinder?');
  await w.getByLabel(/^Your message/).fill('Hello, my order has not arrived yet. Could you check?');
  await expect(w.locator('#message-count')).toHaveText('53 of 1024 characters');
  await expect(w.getByLabel('Order number or reference', { exact: true })).toHaveValue('ORD-4711');
  await w.getByLabel('File').setInputFiles('fixtures/invoice.pdf');
  await expect(w.getByText('invoice.pdf: Uploaded')).toBeVisible();

  const sent = page.waitForRequest((r) => r.url().endsWith('/api/channel/ticket') && r.method() === 'POST');
  await w.getByRole('button', { name: 'Send message' }).click();
  const body = JSON.parse((await sent).postData()!);
  expect(body).not.toHaveProperty('sellerId');
  expect(body.attachments).toEqual([expect.objectContaining({ filename: 'invoice.pdf' })]);

  await expect(w.getByRole('heading', { name: 'Your message was sent' })).toBeVisible();
  await expect(w.locator('.pd-message').first()).toContainText('my order has not arrived yet');
  // The sandbox seller answers a few seconds later; the view polls.
  await expect(w.locator('.pd-message.pd-from-seller')).toBeVisible({ timeout: 20_000 });
  await expect(w.locator('.pd-message.pd-from-seller')).toContainText('The shop');

  // The seller's attachment downloads through the proxy (token in a header,
  // never in a URL).
  const fetched = page.waitForRequest((r) => r.url().includes('/attachments/'));
  const download = page.waitForEvent('download');
  await w.getByRole('button', { name: 'Download sandbox-reply.pdf' }).click();
  const request = await fetched;
  expect(request.url()).not.toContain('token');
  expect(request.headers()['x-ticket-token']).toBeTruthy();
  const file = await download;
  expect(file.suggestedFilename()).toBe('sandbox-reply.pdf');
  const saved = await file.path();
  expect(require('node:fs').readFileSync(saved).subarray(0, 5).toString()).toBe('%PDF-');

  // The conversation survives a reload.
  await page.reload();
  await expect(w.locator('.pd-message.pd-from-seller')).toBeVisible();
});

test('subject and message are limited to 1024 characters, with a live counter', async ({ page }) => {
  await page.goto('/?view=contact');
  const w = page.locator('parcel-desk');
  await w.getByLabel(/^Your name/).fill('Alex');
  await w.getByLabel(/^Subject/).fill('x'.repeat(1025));
  await w.getByLabel(/^Your message/).fill('Hi');
  await expect(w.locator('#subject-count')).toHaveText('1025 of 1024 characters');
  await w.getByRole('button', { name: 'Send message' }).click();
  await expect(w.getByLabel(/^Subject/)).toHaveAttribute('aria-invalid', 'true');
  await expect(w.getByText('Please keep this to 1024 characters.')).toBeVisible();
  await expect(w.getByLabel(/^Subject/)).toHaveValue('x'.repeat(1025));
});

test('a message sent again after its answer was lost reaches the shop once', async ({ page }) => {
  await page.goto('/?view=contact');
  const w = page.locator('parcel-desk');
  await w.getByLabel(/^Your name/).fill('Alex Example');
  await w.getByLabel(/^Subject/).fill('Grinder');
  await w.getByLabel(/^Your message/).fill('Is the grinder back in stock?');
  const keys: string[] = [];
  let first: { ticket_id: string } | undefined;
  await page.route('**/api/channel/ticket', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    // The shop gets the message, but its answer never reaches the customer.
    const response = await route.fetch();
    first = await response.json();
    await route.abort('connectionreset');
  });
  await w.getByRole('button', { name: 'Send message' }).click();
  await expect(w.getByRole('alert')).toBeVisible();
  await expect(w.getByLabel(/^Your message/)).toHaveValue('Is the grinder back in stock?');
  await page.unroute('**/api/channel/ticket');

  const again = page.waitForResponse((r) => r.url().endsWith('/api/channel/ticket') && r.request().method() === 'POST');
  await w.getByRole('button', { name: 'Send message' }).click();
  const replayed = await again;
  keys.push((await replayed.request().allHeaders())['idempotency-key']);
  expect(keys[0]).toBeTruthy();
  expect(keys[1]).toBe(keys[0]);
  expect(replayed.headers()['idempotent-replayed']).toBe('true');
  expect((await replayed.json()).ticket_id).toBe(first!.ticket_id);
  await expect(w.getByRole('heading', { name: 'Your message was sent' })).toBeVisible();
});

test("a message the shop's service could not take yet is kept: the customer is told it will be delivered", async ({ page }) => {
  await page.goto('/?view=contact');
  const w = page.locator('parcel-desk');
  await w.getByLabel(/^Your name/).fill('Alex Example');
  await w.getByLabel(/^Subject/).fill('Grinder');
  await w.getByLabel(/^Your message/).fill('Is the grinder back in stock?');
  await w.getByLabel('File').setInputFiles('fixtures/invoice.pdf');
  await expect(w.getByText('invoice.pdf: Uploaded')).toBeVisible();
  // The proxy's answer when JTL-SCX is down: 202, kept, files pending.
  await page.route('**/api/channel/ticket', async (route) => {
    const created = await (await route.fetch()).json();
    const attachments = created.attachments.map((a: { filename: string }) => ({ filename: a.filename, uploaded: false, error: null }));
    await route.fulfill({ status: 202, json: { ...created, attachments, queued: true } });
  });
  await w.getByRole('button', { name: 'Send message' }).click();
  await expect(w.getByRole('heading', { name: 'Your message is saved' })).toBeVisible();
  await expect(w.getByRole('status').filter({ hasText: 'saved and will be delivered automatically' })).toBeVisible();
  // A file that travels with the kept message is not reported as failed.
  await expect(w.getByText('could not be attached')).toHaveCount(0);
  await expect(w.locator('.pd-message').first()).toContainText('Is the grinder back in stock?');
  await page.screenshot({ path: 'screenshots/contact-queued.png', fullPage: true });
});
