import { test, expect, type Request } from '@playwright/test';
import { LostClaimForm } from '../pages/claim-form';
import { noisyJpeg } from '../pages/photos';

const PHOTOS = [
  'Outside of the parcel',
  'Inside: the padding',
  'Damage, close-up',
  'Damage, second view',
  'Package from above',
  'The whole product',
];

test.beforeEach(async ({ page }) => {
  // Every test starts without drafts from an earlier one.
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
});

test('a damaged-parcel claim with six 12-megapixel photos uploads each as at most 1.5 MB', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const photo = await noisyJpeg(browser);
  await page.setViewportSize({ width: 375, height: 800 });
  const form = new LostClaimForm(page);
  await form.open('?claim=damage&tracking=PD-TRANSIT-0001');
  await expect(form.widget.getByRole('heading', { name: 'Report a damaged parcel' })).toBeVisible();

  // Record the size of every file the widget hands to XMLHttpRequest.
  await page.evaluate(() => {
    const w = window as unknown as { uploadSizes: number[] };
    w.uploadSizes = [];
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (body?: Document | XMLHttpRequestBodyInit | null) {
      if (body instanceof FormData) {
        for (const [, v] of body.entries()) if (v instanceof Blob) w.uploadSizes.push(v.size);
      }
      return send.call(this, body);
    };
  });
  const uploads: Request[] = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/dsf/files')) uploads.push(r); });
  for (const label of PHOTOS) {
    await form.attach(label, photo, 'parcel-desk-photo-4000x3000.jpg');
  }
  expect(uploads).toHaveLength(6);
  const sizes: number[] = await page.evaluate(() => (window as unknown as { uploadSizes: number[] }).uploadSizes);
  expect(sizes).toHaveLength(6);
  for (const size of sizes) {
    expect(size).toBeGreaterThan(100_000);
    expect(size).toBeLessThanOrEqual(1_500_000);
  }
  console.log(`12-megapixel photo uploaded as ${sizes[0]} bytes`);
  await form.fillPrice('Value of the contents (sales price)', '120');
  await form.field('What was in the parcel?').fill('A ceramic vase');
  await form.field('What did the parcel look like?').fill('Box crushed on one corner');
  await form.field('Anything else the carrier should know?').fill('The vase is in three pieces.');
  for (const [label, file] of [
    ['Signed statement describing the damage', 'statement.pdf'],
    ['Sales invoice', 'invoice.pdf'],
    ['Purchase invoice', 'purchase.pdf'],
  ]) {
    await form.attach(label, file);
  }
  const claim = page.waitForRequest((r) => r.url().endsWith('/api/dsf/tickets/damage'));
  await form.submit.click();
  const body = JSON.parse((await claim).postData()!);
  expect(Object.keys(body).filter((k) => k.endsWith('_photo') || k.startsWith('damage_photo'))).toHaveLength(6);
  expect(body).not.toHaveProperty('parcel_dimensions');
  await expect(form.successHeading).toBeVisible();
  await page.screenshot({ path: 'screenshots/damage-success-375.png', fullPage: true });
});

test('an upload shows its progress and can be cancelled, and a failed one retried', async ({ page }) => {
  const form = new LostClaimForm(page);
  await form.open();
  // Hold the first upload so its progress bar and Cancel stay on screen.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/api/dsf/files', async (route) => {
    await held;
    await route.continue().catch(() => { /* cancelled by the widget meanwhile */ });
  });
  await form.field('Sales invoice').setInputFiles('fixtures/invoice.pdf');
  await expect(form.widget.getByRole('progressbar', { name: 'Upload progress for invoice.pdf' })).toBeVisible();
  await form.widget.getByRole('button', { name: 'Cancel' }).click();
  await expect(form.widget.getByRole('progressbar')).toHaveCount(0);
  await expect(form.widget.getByText('invoice.pdf: Uploaded')).toHaveCount(0);
  release();
  await page.unroute('**/api/dsf/files');

  // The network drops the next upload: the field says so and offers a retry.
  await page.route('**/api/dsf/files', (route) => route.abort('connectionreset'));
  await form.field('Purchase invoice').setInputFiles('fixtures/purchase.pdf');
  await form.expectInvalid(form.field('Purchase invoice'), /could not reach the service/);
  await page.unroute('**/api/dsf/files');
  await form.widget.getByRole('button', { name: 'Try again' }).click();
  await expect(form.widget.getByText('purchase.pdf: Uploaded')).toBeVisible();
  await expect(form.field('Purchase invoice')).not.toHaveAttribute('aria-invalid', 'true');
});

test('what was typed and uploaded survives a reload, with a start-over choice', async ({ page }) => {
  const form = new LostClaimForm(page);
  await form.open();
  await form.trackingNumber.fill('PD-TRANSIT-0001');
  await form.field('What was in the parcel?').fill('Three books');
  await form.fillPrice('Value of the contents (sales price)', '45,50', 'GBP');
  await form.attach('Sales invoice', 'invoice.pdf');

  await page.reload();
  await expect(form.heading).toBeVisible();
  await expect(form.widget.getByRole('status').filter({ hasText: 'We restored the answers you entered earlier.' })).toBeVisible();
  await expect(form.trackingNumber).toHaveValue('PD-TRANSIT-0001');
  await expect(form.field('What was in the parcel?')).toHaveValue('Three books');
  const price = form.widget.getByRole('group', { name: 'Value of the contents (sales price)' });
  await expect(price.getByLabel('Amount')).toHaveValue('45,50');
  await expect(price.getByLabel('Currency')).toHaveValue('GBP');
  await expect(form.widget.getByText('invoice.pdf: Uploaded')).toBeVisible();
  const stored = await page.evaluate(() => JSON.stringify(localStorage));
  expect(stored).not.toContain('%PDF'); // tokens are kept, never file contents

  await form.widget.getByRole('button', { name: 'Start over' }).click();
  await expect(form.trackingNumber).toHaveValue('');
  await page.reload();
  await expect(form.field('What was in the parcel?')).toHaveValue('');
});

test('a retry after a lost answer files the claim once (Idempotency-Key replay)', async ({ page }) => {
  const form = new LostClaimForm(page);
  await form.open();
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.chooseOwnContract();
  await form.field('What was in the parcel?').fill('A kettle');

  // The claim reaches the proxy, but its answer never reaches the browser.
  const keys: string[] = [];
  await page.route('**/api/dsf/tickets/lost', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    await route.fetch();
    await route.abort('connectionreset');
  });
  await form.submit.click();
  await expect(form.banner).toContainText('We could not reach the service.');
  await page.unroute('**/api/dsf/tickets/lost');

  const answer = page.waitForResponse((r) => r.url().endsWith('/api/dsf/tickets/lost'));
  await form.submit.click();
  const response = await answer;
  expect(response.headers()['idempotent-replayed']).toBe('true');
  expect(await response.request().headerValue('idempotency-key')).toBe(keys[0]);
  await expect(form.successHeading).toBeVisible();
});

test('a reload during submit reuses the same key', async ({ page }) => {
  const form = new LostClaimForm(page);
  await form.open();
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.chooseOwnContract();
  const first = page.waitForRequest((r) => r.url().endsWith('/api/dsf/tickets/lost'));
  await page.route('**/api/dsf/tickets/lost', () => { /* never answered: the tab is reloaded */ });
  await form.submit.click();
  const key = await (await first).headerValue('idempotency-key');
  // Reload while the claim is in flight (unrouting first would let it through).
  await page.reload();
  await page.unroute('**/api/dsf/tickets/lost');
  await expect(form.trackingNumber).toHaveValue('PD-OWN-0003');
  const again = page.waitForRequest((r) => r.url().endsWith('/api/dsf/tickets/lost'));
  await form.submit.click();
  expect(await (await again).headerValue('idempotency-key')).toBe(key);
  await expect(form.successHeading).toBeVisible();
});

test('on 429 the widget shows the wait and sends the claim by itself', async ({ page }) => {
  const form = new LostClaimForm(page);
  await form.open();
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.chooseOwnContract();
  let calls = 0;
  await page.route('**/api/dsf/tickets/lost', async (route) => {
    calls += 1;
    if (calls === 1) {
      await route.fulfill({
        status: 429,
        headers: { 'Retry-After': '2', 'Content-Type': 'application/json' },
        body: JSON.stringify({ errors: [{ code: 'hit_rate_limit', detail: 'Rate limit exceeded: 15 per 1 minute', title: 'Rate limit exceeded', status: 429 }] }),
      });
    } else {
      await route.continue();
    }
  });
  await form.submit.click();
  await expect(form.banner).toContainText('We will send yours automatically in 2 seconds.');
  await expect(form.submit).toBeDisabled();
  await expect(form.successHeading).toBeVisible({ timeout: 10_000 });
  expect(calls).toBe(2);
});
