import { test, expect } from '@playwright/test';
import { ClaimForm } from '../pages/claim-form';

// The claim-only build (`make widget` → dist/claim/, npm `parcel-desk/claim`):
// only the claim view, for shops that embed nothing else.

test('the claim-only build files a claim, shows no other views and is the smaller download', async ({ page }) => {
  const wasm: string[] = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname); });
  const form = new ClaimForm(page);
  await form.open('claim/');
  // Its shell first; then, when the page is idle, only its own questions,
  // photo list and tracking look-up (no other view's module).
  expect(wasm[0]).toBe('/claim/parcel-desk_bg.wasm');
  await expect.poll(() => [...wasm].sort()).toEqual(expect.arrayContaining(['/claim/split_claim_details_view.wasm', '/claim/split_claim_draft.wasm',
    '/claim/split_file_list_view.wasm', '/claim/split_lookup_tracking.wasm']));
  for (const w of wasm) expect(w).toMatch(/^\/claim\/(parcel-desk_bg|split_widget|split_claim_details_view|split_claim_draft|split_file_list_view|split_lookup_tracking|split_view_texts_reader|chunk_widget|chunk_rest)\.wasm$/);

  // No tabs: a single view needs none.
  await expect(form.widget.getByRole('navigation')).toHaveCount(0);
  await expect(form.widget.getByRole('button', { name: 'Track a parcel' })).toHaveCount(0);
  await expect(form.widget.getByRole('button', { name: 'Claim status' })).toHaveCount(0);

  await form.trackingNumber.fill('PD-OWN-0003');
  await form.choose('lost');
  await form.f('contents_label').fill('Two bags of coffee beans');
  await form.customer();
  await form.declare();
  await form.submit.click();
  await expect(form.successHeading).toBeVisible();
  await expect(form.reference).toHaveText(/^PD-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
  // Following the claim needs the status view: not offered here.
  await expect(form.widget.getByRole('button', { name: 'Follow this claim' })).toHaveCount(0);
  await expect(form.widget.getByRole('button', { name: 'Report another parcel' })).toBeVisible();
  // The texts and stylesheet rules that came later are the questions' and
  // the success screen's, not those of the views this build does not have
  // (the full build's file has them).
  const later = await page.evaluate(async () => {
    const read = async (url: string) => JSON.parse(await (await fetch(url)).text());
    return { claim: await read('/claim/i18n/en.views.json'), full: await read('/i18n/en.views.json') };
  });
  for (const text of ['you_legend', 'success_title']) expect(later.claim[text]).toBe(later.full[text]);
  for (const text of ['status_title', 'staff_desk_title', 'contact_title']) {
    expect(later.full[text]).toBeTruthy();
    expect(later.claim[text]).toBeUndefined();
  }
  expect(later.claim.stylesheet).toContain('.pd-success');
  expect(later.claim.stylesheet).not.toContain('.pd-inbox');
  expect(later.full.stylesheet).toContain('.pd-inbox');
  expect(JSON.stringify(later.claim).length).toBeLessThan(JSON.stringify(later.full).length / 2);

  // The full build is split per view: its shell (what loads before its
  // claim form is usable) and the other views' modules, which its glue
  // names and fetches once the page is idle. The claim-only build is smaller
  // than the shell, and well under the full widget's code in all.
  const bytes = await page.evaluate(async () => {
    const size = async (url: string) => (await (await fetch(url, { cache: 'no-store' })).arrayBuffer()).byteLength;
    const glue = await (await fetch('/parcel-desk.js', { cache: 'no-store' })).text();
    const views = [...new Set([...glue.matchAll(/new URL\("\.\/((?:split|chunk)_[a-z_0-9]+\.wasm)"/g)].map((m) => m[1]))];
    let viewBytes = 0;
    for (const v of views) viewBytes += await size(`/${v}`);
    return { claim: await size('/claim/parcel-desk_bg.wasm'), shell: await size('/parcel-desk_bg.wasm'), views: views.length, viewBytes };
  });
  expect(bytes.views).toBeGreaterThanOrEqual(4);
  expect(bytes.claim).toBeLessThan(bytes.shell);
  expect(bytes.claim).toBeLessThan((bytes.shell + bytes.viewBytes) * 0.75);
});

test('a view the claim-only build does not have, and an unknown view, are refused with their reason', async ({ page }) => {
  await page.goto('/claim/');
  await expect(new ClaimForm(page).heading).toBeVisible();
  const errors = await page.evaluate(async () => {
    const mountWith = (view: string) => new Promise<{ message: string; mounted: boolean }>((resolve) => {
      const el = document.createElement('parcel-desk');
      el.setAttribute('proxy-url', '../api');
      el.setAttribute('view', view);
      el.addEventListener('parcel-desk:error', (e) => {
        resolve({ message: (e as CustomEvent).detail.message, mounted: el.shadowRoot?.querySelector('.pd-root') != null });
      });
      el.addEventListener('parcel-desk:ready', () => resolve({ message: 'ready', mounted: true }));
      document.body.appendChild(el);
    });
    return { status: await mountWith('status'), typo: await mountWith('stauts') };
  });
  expect(errors.status).toEqual({
    message: 'parcel-desk: view "status" is not in this build of the widget, which has only: claim (use the full build for every view)',
    mounted: false,
  });
  expect(errors.typo).toEqual({
    message: 'parcel-desk: unknown view "stauts" (one of: claim, status, track, contact, staff)',
    mounted: false,
  });
  // The reason also stands where the widget would be, not a blank box.
  const refused = page.locator('parcel-desk').nth(1);
  await expect(refused.getByRole('alert')).toHaveText(errors.status.message);

  // Fixing the attribute mounts the widget in its place.
  await page.evaluate(() => document.querySelectorAll('parcel-desk')[1].setAttribute('view', 'claim'));
  await expect(refused.getByRole('heading', { name: 'Report a problem with your parcel' })).toBeVisible();
  await expect(refused.getByRole('alert')).toHaveCount(0);
});
