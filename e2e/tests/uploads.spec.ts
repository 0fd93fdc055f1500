import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClaimForm } from '../pages/claim-form';
import { noisyJpeg } from '../pages/photos';

// Uploads happen only in the damage claim's photo pickers now (images only,
// each shrunk in the browser); the customer uploads no documents.

function bigFile(bytes: number, ext: string, head: string): string {
  const file = path.join(os.tmpdir(), `parcel-desk-${bytes}.${ext}`);
  if (!fs.existsSync(file)) {
    const start = Buffer.from(head);
    fs.writeFileSync(file, Buffer.concat([start, Buffer.alloc(bytes - start.length, 0x41)]));
  }
  return file;
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
});

test('the progress bar moves while a photo uploads', async ({ page, context, browser }) => {
  test.setTimeout(60_000);
  const photo = await noisyJpeg(browser);
  const form = new ClaimForm(page);
  await form.open('?claim=damage&tracking=PD-OWN-0003');
  // Slow the upload down to ~2 Mbit/s so its progress can be watched (the
  // 12-megapixel photo goes up as about 1.5 MB).
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 250_000,
  });
  const field = form.f('photos_damage');
  await field.setInputFiles(photo);
  const bar = form.widget.getByRole('progressbar', { name: /Upload progress for/ });
  await expect(bar).toBeVisible({ timeout: 15_000 });
  const values: number[] = [];
  for (let i = 0; i < 12 && values.length < 3; i++) {
    const v = Number(await bar.evaluate((el: HTMLProgressElement) => el.value).catch(() => -1));
    if (v >= 0 && (values.length === 0 || v > values[values.length - 1])) values.push(v);
    await page.waitForTimeout(700);
  }
  expect(values.length, `progress values seen: ${values}`).toBeGreaterThanOrEqual(2);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(await form.statusOf(field)).toContainText('Uploaded', { timeout: 30_000 });
});

test('an image over 6 MB that cannot be shrunk is refused before any request, with what to do', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open('?claim=damage&tracking=PD-OWN-0003');
  let uploads = 0;
  page.on('request', (r) => { if (r.url().includes('/api/dsf/files')) uploads += 1; });
  // An animated GIF is sent as it is (never re-encoded).
  const field = form.f('photos_damage');
  await field.setInputFiles({ name: 'unboxing.gif', mimeType: 'image/gif', buffer: fs.readFileSync(bigFile(6_500_000, 'gif', 'GIF89a')) });
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(await form.statusOf(field)).toContainText(`unboxing.gif: ${form.t.err_file_too_large}`);
  expect(form.t.err_file_too_large).toMatch(/larger than 6 MB\. Please choose a smaller file/);
  expect(uploads).toBe(0);
  await form.widget.getByRole('button', { name: 'Remove unboxing.gif' }).click();
  await expect(field).not.toHaveAttribute('aria-invalid', 'true');
});

test('a PDF over 6 MB in a photo picker is refused before any request', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open('?claim=damage&tracking=PD-OWN-0003');
  let uploads = 0;
  page.on('request', (r) => { if (r.url().includes('/api/dsf/files')) uploads += 1; });
  const field = form.f('photos_packaging');
  await field.setInputFiles(bigFile(6_500_000, 'pdf', '%PDF-1.4\n% parcel-desk test file\n'));
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(await form.statusOf(field)).toContainText(/larger than 6 MB|Please choose a photo/);
  expect(uploads).toBe(0);
});

test('the photo pickers take images only: a PDF is refused in the browser', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open('?claim=damage&tracking=PD-OWN-0003');
  let uploads = 0;
  page.on('request', (r) => { if (r.url().includes('/api/dsf/files')) uploads += 1; });
  const field = form.f('photos_contents');
  await expect(field).toHaveAttribute('accept', 'image/*');
  // setInputFiles, like a drop on the list, is not limited by `accept`.
  await field.setInputFiles('fixtures/invoice.pdf');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(await form.statusOf(field)).toContainText(`invoice.pdf: ${form.t.err_photo_type}`);
  await expect(form.widget.getByText('invoice.pdf: Uploaded')).toHaveCount(0);
  expect(uploads).toBe(0);
});

test('a ZIP file is refused in the browser, and by the proxy with its 415 message', async ({ page, request }) => {
  const form = new ClaimForm(page);
  await form.open('?claim=damage&tracking=PD-OWN-0003');
  let uploads = 0;
  page.on('request', (r) => { if (r.url().includes('/api/dsf/files')) uploads += 1; });
  const field = form.f('photos_damage');
  await field.setInputFiles({ name: 'photos.zip', mimeType: 'application/zip', buffer: Buffer.from('PK\x03\x04 not really') });
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(await form.statusOf(field)).toContainText(`photos.zip: ${form.t.err_photo_type}`);
  expect(uploads).toBe(0);

  // A client that skips the browser check meets the proxy's 415.
  const r = await request.post('/api/dsf/files', {
    multipart: { file: { name: 'photos.zip', mimeType: 'application/zip', buffer: Buffer.from('PK\x03\x04') } },
  });
  expect(r.status()).toBe(415);
  const body = await r.json();
  expect(body.errors[0].status).toBe(415);
  expect(body.errors[0].detail).toContain('application/zip is not accepted');
});

test('a submit retried after a dropped connection leaves exactly one claim', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open();
  await form.fillLost();
  let first: { reference: string; claim_id: string } | undefined;
  await page.route('**/api/claims', async (route) => {
    const response = await route.fetch();
    first = await response.json();
    await route.abort('connectionreset');
  });
  await form.submit.click();
  await expect(form.banner).toContainText('We could not reach the service.');
  await page.unroute('**/api/claims');
  await form.submit.click();
  await expect(form.successHeading).toBeVisible();
  // The claim the widget shows is the one the first (lost) answer created.
  expect(first!.reference).toMatch(/^PD-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
  await expect(form.reference).toHaveText(first!.reference);
});
