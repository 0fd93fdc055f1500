import { test, expect } from '@playwright/test';

const STAFF_TOKEN = 'e2e-staff-token-0123456789';

test('staff register a parcel shipped outside Sendcloud; customers can then track it', async ({ page }) => {
  await page.goto('/?view=staff');
  const w = page.locator('parcel-desk');
  // The staff view opens on the claims inbox; registration is its second section.
  await w.getByRole('navigation', { name: 'Staff sections' }).getByRole('button', { name: 'Register a parcel' }).click();
  await expect(w.getByRole('heading', { name: 'Register a parcel shipped outside Sendcloud' })).toBeVisible();

  // Required fields are checked before anything is sent.
  await w.getByRole('button', { name: 'Register parcel' }).click();
  await expect(w.getByRole('alert')).toContainText('Some answers need your attention.');
  await expect(w.getByLabel(/^Carrier code/)).toHaveAttribute('aria-invalid', 'true');

  const number = `EXT-${Date.now()}`;
  await w.getByLabel(/^Staff access token/).fill('wrong-token-000000000');
  await w.getByLabel(/^Carrier code/).fill('dhl');
  await w.getByLabel(/^Tracking number/).fill(number);
  await w.getByLabel(/^Handed to the carrier on/).fill('2026-11-20T10:30');
  await w.getByLabel(/^Carrier contract ID/).fill('4711');
  const from = w.getByRole('group', { name: 'Sender' });
  await from.getByLabel(/^Postal code/).fill('5611 AB');
  await from.getByLabel(/^Country code/).fill('nl');
  const to = w.getByRole('group', { name: 'Recipient' });
  await to.getByLabel(/^Name/).fill('Robin Receiver');
  await to.getByLabel(/^Postal code/).fill('10435');
  await to.getByLabel(/^Country code/).fill('DE');
  await to.getByLabel(/^Email/).fill('robin@example.com');

  await w.getByRole('button', { name: 'Register parcel' }).click();
  await expect(w.getByRole('alert')).toContainText('This staff token is not valid.');

  await w.getByLabel(/^Staff access token/).fill(STAFF_TOKEN);
  await w.getByRole('button', { name: 'Register parcel' }).click();
  await expect(w.getByRole('status')).toContainText(number);

  // A customer (no token) can now track it.
  await page.goto(`/?view=track&tracking=${number}`);
  await expect(page.locator('parcel-desk').locator('ol.pd-timeline')).toBeVisible();
});

test('the staff route is invisible without the staff token', async ({ request }) => {
  const r = await request.post('/api/parcels/tracking', { data: {} });
  expect(r.status()).toBe(404);
});

test('on a 375 px phone every input of the staff view is a full-size field, whatever its type', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto('/?view=staff');
  const w = page.locator('parcel-desk');
  // The staff view opens on the claims inbox; registration is its second section.
  await w.getByRole('navigation', { name: 'Staff sections' }).getByRole('button', { name: 'Register a parcel' }).click();
  await expect(w.getByRole('heading', { name: 'Register a parcel shipped outside Sendcloud' })).toBeVisible();
  for (const label of [/^Staff access token/, /^Carrier tracking link/, /^Handed to the carrier on/, /^Email/, /^Carrier code/]) {
    const box = await w.getByLabel(label).boundingBox();
    expect(box!.height, `${label}`).toBeGreaterThanOrEqual(44);
    expect(box!.width, `${label}`).toBeGreaterThan(250);
  }
  await page.screenshot({ path: 'screenshots/staff-375.png', fullPage: true });
});
