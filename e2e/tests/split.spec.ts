import { test, expect, type Route } from '@playwright/test';
import { ClaimForm } from '../pages/claim-form';

// The full build is split per view (issue 17, scripts/split-build.sh): the
// shell holds the claim form; the status, tracking, contact and staff views
// are modules of their own, fetched when the page is idle or when a view is
// opened.

test('the claim form is usable while the other views are still loading; a tab shows its view once its module is there', async ({ page }) => {
  const held: Route[] = [];
  let release = false;
  await page.route(/\/(split|chunk)_[a-z_0-9]+\.wasm$/, (route) => {
    if (release) return route.continue();
    held.push(route);
  });
  const form = new ClaimForm(page);
  await form.open();
  // Idle: the other tabs' modules were asked for, and none has arrived.
  await expect.poll(() => held.map((r) => new URL(r.request().url()).pathname).filter((p) => p.startsWith('/split_')).sort())
    .toEqual(['/split_contact_view.wasm', '/split_status_view.wasm', '/split_track_view.wasm']);
  await form.trackingNumber.fill('PD-OWN-0003');
  await expect(form.trackingNumber).toHaveValue('PD-OWN-0003');
  await form.choose('lost');
  await expect(form.f('contents_label')).toBeVisible();

  // The tracking tab shows nothing of its own until its module is there.
  await form.widget.getByRole('button', { name: 'Track a parcel' }).click();
  await page.waitForTimeout(300);
  await expect(form.widget.getByRole('heading', { name: form.t.track_title })).toHaveCount(0);
  release = true;
  for (const r of held.splice(0)) await r.continue();
  await expect(form.widget.getByRole('heading', { name: form.t.track_title })).toBeVisible();
  // Back to the claim form: what was typed is still there.
  await form.widget.getByRole('button', { name: 'Report a problem' }).click();
  await expect(form.trackingNumber).toHaveValue('PD-OWN-0003');
});

test('a page that opens another view first loads that view at once', async ({ page }) => {
  const wasm: string[] = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname); });
  await page.goto('/?view=track');
  await expect(page.locator('parcel-desk').getByRole('heading', { name: new ClaimForm(page).t.track_title })).toBeVisible();
  expect(wasm[0]).toBe('/parcel-desk_bg.wasm');
  expect(wasm).toContain('/split_track_view.wasm');
  // The staff view is no tab: nothing loads it on a customer's page.
  expect(wasm).not.toContain('/split_staff_view.wasm');
});
