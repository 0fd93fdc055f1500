import { test, expect, type Page } from '@playwright/test';
import { LostClaimForm } from '../pages/claim-form';
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

test('under a strict CSP: a claim with uploads, its status, and tracking run with no violation', async ({ page }) => {
  test.setTimeout(60_000);
  const csp = await strictPage(page);
  const form = new LostClaimForm(page);
  await form.open('?tracking=PD-TRANSIT-0001');

  // A complete Sendcloud-rates claim with four uploaded documents.
  await form.attach('Sales invoice', 'invoice.pdf');
  await form.fillPrice('Value of the contents (sales price)', '49,90');
  await form.fillPrice('Purchase price of the contents', '20');
  await form.field('What was in the parcel?').fill('1 kg house blend');
  await form.field('What did the parcel look like?').fill('Brown box');
  await form.field('Length (cm)').fill('30');
  await form.field('Width (cm)').fill('20');
  await form.field('Height (cm)').fill('15');
  await form.field('Anything else the carrier should know?').fill('Tracking stopped a week ago.');
  await form.field('Anything else the carrier should know?').fill('Tracking stopped a week ago.');
  await form.attach('Purchase invoice', 'purchase.pdf');
  await form.attach('Signed statement that the parcel did not arrive', 'statement.pdf');
  await form.attach("Carrier's claim form, filled in", 'claim-form.pdf');
  await form.submit.click();
  await expect(form.successHeading).toBeVisible();

  // Its status, straight from the success screen.
  await form.widget.getByRole('button', { name: 'Follow this claim' }).click();
  await expect(form.widget.getByRole('heading', { name: 'Claim status' })).toBeVisible();
  await expect(form.widget.getByRole('status').first()).toBeVisible();

  // Tracking a parcel.
  await form.widget.getByRole('button', { name: 'Track a parcel' }).click();
  await form.widget.getByLabel(/^Tracking number/).fill('PD-TRANSIT-0001');
  await form.widget.getByRole('button', { name: 'Track', exact: true }).click();
  await expect(form.widget.locator('ol.pd-timeline li').first()).toBeVisible();

  await csp.expectNoViolation();
  await csp.expectPolicyEnforced();
});

test('under a strict CSP: a damage claim with a photo (shrunk in the browser) has no violation', async ({ page, browser }) => {
  test.setTimeout(60_000);
  const photo = await noisyJpeg(browser, 2000, 1500);
  const csp = await strictPage(page);
  const form = new LostClaimForm(page);
  await form.open('?claim=damage&tracking=PD-TRANSIT-0001');
  await form.attach('Outside of the parcel', photo, 'parcel-desk-photo-2000x1500.jpg');
  await csp.expectNoViolation();
  await csp.expectPolicyEnforced();
});

test('the demo shop page runs under the strict CSP too', async ({ page }) => {
  const csp = await strictPage(page);
  await page.goto('/shop.html');
  await expect(page.locator('parcel-desk').getByRole('heading', { name: 'Report a lost parcel' })).toBeVisible();
  await csp.expectNoViolation();
});
