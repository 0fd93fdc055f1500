import { test, expect } from '@playwright/test';
import { LostClaimForm } from '../pages/claim-form';

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

  const form = new LostClaimForm(page);
  await expect(form.heading).toBeVisible();
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.chooseOwnContract();
  await form.field('What was in the parcel?').fill('Two bags of coffee beans');
  await form.submit.click();
  await expect(form.successHeading).toBeVisible();

  const events = await page.evaluate(() => window.parcelDeskEvents);
  const submitted = events.filter((e) => e.type === 'parcel-desk:submitted');
  expect(submitted).toHaveLength(1);
  const detail = submitted[0].detail as Record<string, unknown>;
  expect(detail).toMatchObject({ kind: 'claim', claimType: 'lost' });
  expect(detail.ticketId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  await expect(form.reference).toHaveText(detail.ticketId as string);
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
