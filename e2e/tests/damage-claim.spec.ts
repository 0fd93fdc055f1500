import { test, expect, type Request } from '@playwright/test';
import { ClaimForm, SHOP_ONLY } from '../pages/claim-form';
import { noisyJpeg } from '../pages/photos';

test.beforeEach(async ({ page }) => {
  // Every test starts without drafts from an earlier one.
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
});

/** Picks several files at once in a photo picker and waits until the
 *  picker lists `total` uploaded files. */
async function addPhotos(form: ClaimForm, label: string, files: string[], total: number) {
  const field = form.field(label);
  await field.setInputFiles(files);
  const list = await form.statusOf(field);
  await expect(list.getByText(`: ${form.t.uploaded}`)).toHaveCount(total, { timeout: 30_000 });
}

test('a damaged-parcel claim with six 12-megapixel photos uploads each as at most 1.5 MB', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  const photo = await noisyJpeg(browser);
  await page.setViewportSize({ width: 375, height: 800 });
  const form = new ClaimForm(page);
  await form.open('?claim=damage&tracking=PD-OWN-0003');
  await expect(form.widget.getByRole('radio', { name: 'It arrived damaged' })).toBeChecked();
  // Only the customer's questions: never the shop's facts.
  await expect(form.widget.getByText(SHOP_ONLY)).toHaveCount(0);

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
  // Several per pick, in the three pickers: six in all.
  await addPhotos(form, 'Photos of the damage', [photo, photo, photo], 3);
  await addPhotos(form, 'Photos of the contents', [photo, photo], 2);
  await addPhotos(form, 'Photos of the packaging', [photo], 1);
  expect(uploads).toHaveLength(6);
  const sizes: number[] = await page.evaluate(() => (window as unknown as { uploadSizes: number[] }).uploadSizes);
  expect(sizes).toHaveLength(6);
  for (const size of sizes) {
    expect(size).toBeGreaterThan(100_000);
    expect(size).toBeLessThanOrEqual(1_500_000);
  }
  console.log(`12-megapixel photo uploaded as ${sizes[0]} bytes`);
  await form.f('contents_label').fill('A ceramic vase');
  await form.f('exterior_label').fill('Box crushed on one corner');
  await form.f('remarks').fill('The vase is in three pieces.');
  await form.widget.getByRole('radio', { name: 'A refund' }).check();
  await form.customer();
  // No declaration for a damaged parcel.
  await expect(form.widget.getByRole('checkbox', { name: form.t.declaration_text })).toHaveCount(0);
  const claim = page.waitForRequest((r) => r.url().endsWith('/api/claims') && r.method() === 'POST');
  await form.submit.click();
  const request = await claim;
  expect(await request.headerValue('idempotency-key')).toBeTruthy();
  const body = JSON.parse(request.postData()!);
  expect(body).toMatchObject({
    claim_type: 'damage',
    tracking_number: 'PD-OWN-0003',
    contents: 'A ceramic vase',
    exterior: 'Box crushed on one corner',
    remarks: 'The vase is in three pieces.',
    email: 'ann@example.com',
    name: 'Ann Example',
    resolution: 'refund',
    // The page's language: the proxy's e-mails to the customer use it.
    language: 'en',
  });
  expect(body.photos.map((p: { role: string }) => p.role)).toEqual(['damage', 'damage', 'damage', 'contents', 'contents', 'packaging']);
  for (const p of body.photos) expect(p.file_token).toBeTruthy();
  expect(body.dimensions ?? null).toBeNull();
  expect(body.declaration ?? null).toBeNull();
  await expect(form.successHeading).toBeVisible();
  await expect(form.reference).toHaveText(/^PD-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
  await page.screenshot({ path: 'screenshots/damage-success-375.png', fullPage: true });
  // The widget never crashed on the way.
  expect(pageErrors).toEqual([]);
});

test('a damage claim needs at least one photo and takes at most six in all', async ({ page, browser }) => {
  test.setTimeout(60_000);
  const photo = await noisyJpeg(browser, 800, 600);
  const form = new ClaimForm(page);
  await form.open('?claim=damage&tracking=PD-OWN-0003');
  await form.f('contents_label').fill('A ceramic vase');
  await form.customer();
  let claims = 0;
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/claims')) claims += 1; });
  await form.submit.click();
  await expect(form.banner.getByRole('link', { name: 'Photos', exact: true })).toBeVisible();
  await form.expectInvalid(form.f('photos_damage'), form.t.err_photo_needed);

  await addPhotos(form, 'Photos of the damage', [photo, photo, photo, photo], 4);
  await expect(form.f('photos_damage')).not.toHaveAttribute('aria-invalid', 'true');
  // Six in all: of three more, two are added, and the list says so.
  await addPhotos(form, 'Photos of the packaging', [photo, photo, photo], 2);
  await expect(form.widget.getByText(form.t.err_photos_not_added)).toBeVisible();
  await expect(form.f('photos_contents')).toBeDisabled();
  expect(claims).toBe(0);
  await form.submit.click();
  await expect(form.successHeading).toBeVisible();
  expect(claims).toBe(1);
});

test('an upload shows its progress and can be cancelled, and a failed one retried', async ({ page, browser }) => {
  const photo = await noisyJpeg(browser, 800, 600);
  const form = new ClaimForm(page);
  await form.open('?claim=damage&tracking=PD-OWN-0003');
  // Hold the first upload so its progress bar and its remove button stay on screen.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/api/dsf/files', async (route) => {
    await held;
    await route.continue().catch(() => { /* cancelled by the widget meanwhile */ });
  });
  await form.f('photos_damage').setInputFiles(photo);
  await expect(form.widget.getByRole('progressbar', { name: 'Upload progress for parcel-desk-photo-800x600.jpg' })).toBeVisible();
  await form.widget.getByRole('button', { name: 'Remove parcel-desk-photo-800x600.jpg' }).click();
  await expect(form.widget.getByRole('progressbar')).toHaveCount(0);
  await expect(form.widget.getByText('parcel-desk-photo-800x600.jpg: Uploaded')).toHaveCount(0);
  release();
  await page.unroute('**/api/dsf/files');

  // The network drops the next upload: the picker says so and offers a retry.
  await page.route('**/api/dsf/files', (route) => route.abort('connectionreset'));
  const packaging = form.f('photos_packaging');
  await packaging.setInputFiles(photo);
  await expect(packaging).toHaveAttribute('aria-invalid', 'true');
  await expect(await form.statusOf(packaging)).toContainText(/could not reach the service/);
  await page.unroute('**/api/dsf/files');
  await form.widget.getByRole('button', { name: 'Try again' }).click();
  await expect(form.widget.getByText('parcel-desk-photo-800x600.jpg: Uploaded')).toBeVisible();
  await expect(packaging).not.toHaveAttribute('aria-invalid', 'true');
});

test('what was typed and uploaded survives a reload, with a start-over choice', async ({ page, browser }) => {
  const photo = await noisyJpeg(browser, 800, 600);
  const form = new ClaimForm(page);
  await form.open();
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.choose('damage');
  await form.f('contents_label').fill('Three books');
  await form.f('exterior_label').fill('Wet box');
  await form.widget.getByRole('radio', { name: 'A replacement' }).check();
  await form.f('email').fill('ann@example.com');
  await form.attach('Photos of the damage', photo, 'parcel-desk-photo-800x600.jpg');

  await page.reload();
  await expect(form.heading).toBeVisible();
  await expect(form.widget.getByRole('status').filter({ hasText: 'We restored the answers you entered earlier.' })).toBeVisible();
  await expect(form.trackingNumber).toHaveValue('PD-OWN-0003');
  await expect(form.widget.getByRole('radio', { name: 'It arrived damaged' })).toBeChecked();
  await expect(form.f('contents_label')).toHaveValue('Three books');
  await expect(form.f('exterior_label')).toHaveValue('Wet box');
  await expect(form.widget.getByRole('radio', { name: 'A replacement' })).toBeChecked();
  await expect(form.f('email')).toHaveValue('ann@example.com');
  await expect(form.widget.getByText('parcel-desk-photo-800x600.jpg: Uploaded')).toBeVisible();
  const stored = await page.evaluate(() => JSON.stringify(localStorage));
  expect(stored).not.toContain('JFIF'); // tokens are kept, never file contents
  expect(stored).not.toContain('/9j/');

  await form.widget.getByRole('button', { name: 'Start over' }).click();
  await expect(form.trackingNumber).toHaveValue('');
  await expect(form.widget.getByRole('radio', { name: 'It arrived damaged' })).not.toBeChecked();
  await page.reload();
  await expect(form.heading).toBeVisible();
  await expect(form.f('contents_label')).toHaveCount(0);
  await expect(form.trackingNumber).toHaveValue('');
});

test('restored answers survive a second reload too', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open();
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.choose('lost');
  await form.f('contents_label').fill('Three books');
  await page.reload();
  await expect(form.f('contents_label')).toHaveValue('Three books');
  // Nothing changed since the restore: the draft is still there.
  await page.reload();
  await expect(form.heading).toBeVisible();
  await expect(form.f('contents_label')).toHaveValue('Three books');
});

test('a retry after a lost answer files the claim once (Idempotency-Key replay)', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open();
  await form.fillLost();

  // The claim reaches the proxy, but its answer never reaches the browser.
  const keys: string[] = [];
  await page.route('**/api/claims', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    await route.fetch();
    await route.abort('connectionreset');
  });
  await form.submit.click();
  await expect(form.banner).toContainText('We could not reach the service.');
  await page.unroute('**/api/claims');

  const answer = page.waitForResponse((r) => r.url().endsWith('/api/claims'));
  await form.submit.click();
  const response = await answer;
  expect(response.headers()['idempotent-replayed']).toBe('true');
  expect(await response.request().headerValue('idempotency-key')).toBe(keys[0]);
  await expect(form.successHeading).toBeVisible();
});

test('a reload during submit reuses the same key', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open();
  await form.fillLost();
  const first = page.waitForRequest((r) => r.url().endsWith('/api/claims'));
  await page.route('**/api/claims', () => { /* never answered: the tab is reloaded */ });
  await form.submit.click();
  const key = await (await first).headerValue('idempotency-key');
  // Reload while the claim is in flight (unrouting first would let it through).
  await page.reload();
  await page.unroute('**/api/claims');
  await expect(form.trackingNumber).toHaveValue('PD-OWN-0003');
  await expect(form.f('signed_name')).toHaveValue('Ann Example');
  const again = page.waitForRequest((r) => r.url().endsWith('/api/claims'));
  await form.submit.click();
  expect(await (await again).headerValue('idempotency-key')).toBe(key);
  await expect(form.successHeading).toBeVisible();
});

test('on 429 the widget shows the wait and sends the claim by itself', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open();
  await form.fillLost();
  let calls = 0;
  await page.route('**/api/claims', async (route) => {
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
