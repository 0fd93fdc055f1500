import { test, expect, type Response } from '@playwright/test';
import { ClaimForm } from '../pages/claim-form';

// The Vite app in consumer/ installs the packed npm package (global-setup.ts),
// mounts the widget with mountParcelDesk and listens for its events. A second
// proxy serves its build on the port after the main one.
const CONSUMER = `http://127.0.0.1:${Number(process.env.PD_E2E_PORT ?? 8091) + 1}`;

test('a Vite app using the npm package files an own-contract lost claim', async ({ page }) => {
  const failed: string[] = [];
  page.on('requestfailed', (r) => failed.push(r.url()));
  const wasm = page.waitForResponse((r) => /\/assets\/parcel-desk_bg-[\w-]+\.wasm$/.test(r.url()));
  await page.goto(`${CONSUMER}/`);
  // The .wasm came through Vite's asset pipeline (hashed name next to the bundle).
  expect((await wasm).status()).toBe(200);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'claim');

  const form = new ClaimForm(page);
  await expect(form.heading).toBeVisible();
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.choose('lost');
  await form.f('contents_label').fill('Two bags of coffee beans');
  await form.customer();
  await form.declare();
  const sent = page.waitForRequest((r) => r.url().endsWith('/api/claims') && r.method() === 'POST');
  await form.submit.click();
  expect((await sent).url()).toBe(`${CONSUMER}/api/claims`);
  await expect(form.successHeading).toBeVisible();

  const events = await page.evaluate(() => window.parcelDeskEvents);
  const submitted = events.filter((e) => e.type === 'parcel-desk:submitted');
  expect(submitted).toHaveLength(1);
  const detail = submitted[0].detail as Record<string, unknown>;
  expect(detail).toMatchObject({ kind: 'claim', claimType: 'lost' });
  expect(detail.ticketId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // The customer sees the short reference the event carries.
  expect(detail.reference).toMatch(/^PD-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
  await expect(form.reference).toHaveText(detail.reference as string);
  expect(detail.accessToken).toMatch(/^v1\./);
  await expect(page.locator('#log')).toHaveText(`Ticket ${detail.ticketId} (claim, lost)`);
  expect(events.filter((e) => e.type === 'parcel-desk:error')).toHaveLength(0);
  expect(failed).toEqual([]);
});

declare global {
  interface Window {
    parcelDeskEvents: { type: string; detail: unknown }[];
  }
}

test('a Vite page using parcel-desk/claim gets the claim-only build, in German', async ({ page }) => {
  const failed: string[] = [];
  page.on('requestfailed', (r) => failed.push(r.url()));
  const fetched: { path: string; bytes: number }[] = [];
  const onClaimPage = async (r: Response) => {
    if (/\.(wasm|json)$/.test(r.url())) fetched.push({ path: new URL(r.url()).pathname, bytes: (await r.body()).length });
  };
  page.on('response', onClaimPage);
  await page.goto(`${CONSUMER}/claim.html`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'claim');
  const form = new ClaimForm(page, undefined, 'de');
  await expect(form.widget.getByRole('heading', { name: 'Problem mit Ihrem Paket melden' })).toBeVisible();
  await expect(form.heading).toBeVisible();
  await expect(form.widget.getByRole('navigation')).toHaveCount(0);
  await expect(page.locator('body')).not.toHaveAttribute('data-error');
  // The German situations, from the German language file.
  await expect(form.widget.getByRole('radio', { name: form.t.situation_not_arrived })).toBeVisible();

  // The claim-only build's shell and the German file, both emitted by
  // Vite; then, when the page is idle, the form's questions with their
  // texts, photo list and tracking look-up (Vite inlines the smallest
  // modules). The shell is smaller than the full build's, which the other
  // page loads.
  await expect.poll(() => fetched.filter((f) => f.path.endsWith('.json')).length).toBe(2);
  for (const part of ['split_claim_details_view', 'split_claim_draft', 'split_file_list_view', 'split_lookup_tracking']) {
    await expect.poll(() => fetched.filter((f) => new RegExp(`/assets/${part}-[\\w-]+\\.wasm$`).test(f.path)).length).toBe(1);
  }
  const wasm = fetched.filter((f) => /\/assets\/parcel-desk_bg-[\w-]+\.wasm$/.test(f.path));
  expect(wasm).toHaveLength(1);
  for (const f of fetched.filter((f) => f.path.endsWith('.wasm'))) {
    expect(f.path).toMatch(/^\/assets\/(parcel-desk_bg|split_widget|split_claim_details_view|split_claim_draft|split_file_list_view|split_lookup_tracking|split_view_texts_reader|chunk_widget|chunk_rest)-[\w-]+\.wasm$/);
  }
  expect(fetched.filter((f) => f.path.endsWith('.json')).map((f) => f.path).sort()).toEqual([
    expect.stringMatching(/^\/assets\/de-[\w-]+\.json$/),
    expect.stringMatching(/^\/assets\/de\.views-[\w-]+\.json$/),
  ]);
  // The full build, as the other page loads it: split per view, its shell
  // first, then (when the page is idle) the other views' modules; Vite
  // emits the larger ones as files (the smallest few it inlines).
  page.off('response', onClaimPage);
  const full: { path: string; bytes: number }[] = [];
  page.on('response', async (r) => {
    if (r.url().endsWith('.wasm')) {
      full.push({ path: new URL(r.url()).pathname, bytes: (await r.body()).length });
    }
  });
  // Its tabs' views (status, tracking, contact) are fetched when it is idle.
  await page.goto(`${CONSUMER}/`);
  const views = () => full.filter((f) => /\/assets\/split_(status|track|contact)_view-[\w-]+\.wasm$/.test(f.path)).length;
  await expect.poll(views).toBe(3);
  const shell = full.find((f) => /\/assets\/parcel-desk_bg-[\w-]+\.wasm$/.test(f.path));
  expect(shell).toBeDefined();
  const all = full.reduce((sum, f) => sum + f.bytes, 0);
  expect(wasm[0].bytes).toBeLessThan(shell!.bytes);
  expect(wasm[0].bytes).toBeLessThan(all * 0.75);
  // A view in a module of its own shows with its texts, which Vite emitted
  // as assets too (i18n/<tag>.views.json, found through the glue's
  // `new URL(`./i18n/${tag}.views.json`, import.meta.url)`).
  const texts = new ClaimForm(page).t;
  const desk = page.locator('parcel-desk');
  await desk.getByRole('button', { name: texts.nav_status }).click();
  await expect(desk.getByRole('heading', { name: texts.status_title })).toBeVisible();
  await expect(desk.getByRole('button', { name: texts.show_status })).toBeVisible();
  expect(failed).toEqual([]);
});
