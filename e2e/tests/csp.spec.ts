import { test, expect, type Page } from '@playwright/test';
import { ClaimForm } from '../pages/claim-form';
import { noisyJpeg } from '../pages/photos';

// The strict policy from the README, sent as a response header on the
// standalone page (the proxy sets no headers on static files, so the test
// adds it when it fulfils the page's HTML).
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'";

type Violation = { directive: string; blocked: string; sample: string };

async function strictPage(page: Page) {
  await page.route(
    (url) => url.pathname === '/' || url.pathname.endsWith('.html'),
    async (route) => {
      if (route.request().resourceType() !== 'document') return route.fallback();
      const response = await route.fetch();
      await route.fulfill({
        status: response.status(),
        body: await response.body(),
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP },
      });
    },
  );
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: Violation[] };
    w.cspViolations = [];
    document.addEventListener(
      'securitypolicyviolation',
      (e) => w.cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample }),
      true,
    );
  });
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  return {
    async expectNoViolation() {
      const violations = await page.evaluate(() => (window as unknown as { cspViolations: Violation[] }).cspViolations);
      expect(violations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    },
    async expectPolicyEnforced() {
      // The canary: an inline script is refused and reported, so the listener
      // above would have seen any violation by the widget.
      await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.inlineRan = true';
        document.head.append(s);
      });
      await expect.poll(() => page.evaluate(() => (window as unknown as { cspViolations: Violation[] }).cspViolations.length)).toBe(1);
      expect(await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
    },
  };
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
});

test('under a strict CSP: a claim with uploads, its status, and tracking run with no violation', async ({ page, browser }) => {
  test.setTimeout(60_000);
  const photo = await noisyJpeg(browser, 800, 600);
  const csp = await strictPage(page);
  const form = new ClaimForm(page);
  await form.open('?tracking=PD-OWN-0003');

  // A complete damage claim, a photo in each of the three pickers.
  await form.choose('damage');
  await form.attach('Photos of the damage', photo, 'parcel-desk-photo-800x600.jpg');
  await form.attach('Photos of the contents', photo, 'parcel-desk-photo-800x600.jpg');
  await form.attach('Photos of the packaging', photo, 'parcel-desk-photo-800x600.jpg');
  await form.f('contents_label').fill('1 kg house blend');
  await form.f('exterior_label').fill('Brown box, crushed on one side');
  await form.f('remarks').fill('The bag inside is torn.');
  await form.widget.getByRole('radio', { name: 'A replacement' }).check();
  await form.customer();
  await form.submit.click();
  await expect(form.successHeading).toBeVisible();
  await expect(form.reference).toHaveText(/^PD-[0-9A-Z]{4}-[0-9A-Z]{2}$/);

  // Its status, straight from the success screen.
  await form.widget.getByRole('button', { name: 'Follow this claim' }).click();
  await expect(form.widget.getByRole('heading', { name: 'Claim status' })).toBeVisible();
  await expect(form.widget.getByRole('status').first()).toBeVisible();

  // Tracking a parcel.
  await form.widget.getByRole('button', { name: 'Track a parcel' }).click();
  await form.widget.getByLabel(/^Tracking number/).fill('PD-OWN-0003');
  await form.widget.getByRole('button', { name: 'Track', exact: true }).click();
  await expect(form.widget.locator('ol.pd-timeline li').first()).toBeVisible();

  await csp.expectNoViolation();
  await csp.expectPolicyEnforced();
});

test('under a strict CSP: a damage claim with a photo (shrunk in the browser) has no violation', async ({ page, browser }) => {
  test.setTimeout(60_000);
  const photo = await noisyJpeg(browser, 2000, 1500);
  const csp = await strictPage(page);
  const form = new ClaimForm(page);
  await form.open('?claim=damage&tracking=PD-OWN-0003');
  await expect(form.widget.getByRole('radio', { name: 'It arrived damaged' })).toBeChecked();
  await form.attach('Photos of the damage', photo, 'parcel-desk-photo-2000x1500.jpg');
  await csp.expectNoViolation();
  await csp.expectPolicyEnforced();
});

test('the demo shop page runs under the strict CSP too', async ({ page }) => {
  const csp = await strictPage(page);
  await page.goto('/shop.html');
  await expect(page.locator('parcel-desk').getByRole('heading', { name: 'Report a problem with your parcel' })).toBeVisible();
  await csp.expectNoViolation();
});
