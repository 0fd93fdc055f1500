import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LostClaimForm } from '../pages/claim-form';

function bigPdf(bytes: number): string {
  const file = path.join(os.tmpdir(), `parcel-desk-${bytes}.pdf`);
  if (!fs.existsSync(file)) {
    const head = Buffer.from('%PDF-1.4\n% parcel-desk test file\n');
    const body = Buffer.alloc(bytes - head.length, 0x41);
    fs.writeFileSync(file, Buffer.concat([head, body]));
  }
  return file;
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
});

test('the progress bar moves while a multi-megabyte file uploads', async ({ page, context }) => {
  const form = new LostClaimForm(page);
  await form.open();
  // Slow the upload down to ~4 Mbit/s so its progress can be watched.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 500_000,
  });
  await form.field('Sales invoice').setInputFiles(bigPdf(5_000_000));
  const bar = form.widget.getByRole('progressbar', { name: /Upload progress for/ });
  await expect(bar).toBeVisible();
  const values: number[] = [];
  for (let i = 0; i < 12 && values.length < 3; i++) {
    const v = Number(await bar.evaluate((el: HTMLProgressElement) => el.value).catch(() => -1));
    if (v >= 0 && (values.length === 0 || v > values[values.length - 1])) values.push(v);
    await page.waitForTimeout(700);
  }
  expect(values.length, `progress values seen: ${values}`).toBeGreaterThanOrEqual(2);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(await form.statusOf(form.field('Sales invoice'))).toContainText('Uploaded', { timeout: 30_000 });
});

test('a non-image over 6 MB is refused before any request, with what to do', async ({ page }) => {
  const form = new LostClaimForm(page);
  await form.open();
  let uploads = 0;
  page.on('request', (r) => { if (r.url().includes('/api/dsf/files')) uploads += 1; });
  await form.field('Sales invoice').setInputFiles(bigPdf(6_500_000));
  await form.expectInvalid(form.field('Sales invoice'), /larger than 6 MB\. Please choose a smaller file/);
  expect(uploads).toBe(0);
});

test('a ZIP file is refused in the browser, and by the proxy with its 415 message', async ({ page, request }) => {
  const form = new LostClaimForm(page);
  await form.open();
  let uploads = 0;
  page.on('request', (r) => { if (r.url().includes('/api/dsf/files')) uploads += 1; });
  await form.field('Sales invoice').setInputFiles({ name: 'photos.zip', mimeType: 'application/zip', buffer: Buffer.from('PK\x03\x04 not really') });
  await form.expectInvalid(form.field('Sales invoice'), /This file type is not accepted/);
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

test('a submit retried after a dropped connection leaves exactly one ticket', async ({ page }) => {
  const form = new LostClaimForm(page);
  await form.open();
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.chooseOwnContract();
  let first: { ticket_id: string } | undefined;
  await page.route('**/api/dsf/tickets/lost', async (route) => {
    const response = await route.fetch();
    first = await response.json();
    await route.abort('connectionreset');
  });
  await form.submit.click();
  await expect(form.banner).toContainText('We could not reach the service.');
  await page.unroute('**/api/dsf/tickets/lost');
  await form.submit.click();
  await expect(form.successHeading).toBeVisible();
  // The ticket the widget shows is the one the first (lost) answer created.
  await expect(form.reference).toHaveText(first!.ticket_id);
});
