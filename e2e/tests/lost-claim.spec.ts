import { test, expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import { LostClaimForm } from '../pages/claim-form';

const SHOTS = 'screenshots';
fs.mkdirSync(SHOTS, { recursive: true });

async function shoot(page: Page, name: string) {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
}

test('an own-contract lost claim for PD-OWN-0003 reaches the success screen', async ({ page }) => {
  const form = new LostClaimForm(page);
  await form.open();
  await shoot(page, 'claim-empty');

  await form.trackingNumber.fill('PD-OWN-0003');
  await form.chooseOwnContract();
  await form.field('Carrier contract number').fill('123');
  await form.field('What was in the parcel?').fill('Two bags of coffee beans');
  await form.submit.click();

  await expect(form.successHeading).toBeVisible();
  await expect(form.successHeading).toBeFocused();
  // The proxy's own claim id, a UUID.
  await expect(form.reference).toHaveText(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  await shoot(page, 'claim-success');
});

/** After the success screen: the claim's status view, once the proxy's
 *  filing worker has had the carrier's service refuse it. */
async function expectRefused(form: LostClaimForm, reason: string) {
  await expect(form.successHeading).toBeVisible();
  await form.widget.getByRole('button', { name: 'Follow this claim' }).click();
  // In customer words; upstream's reason folded away for the shop.
  const phase = form.widget.getByRole('status').filter({ hasText: 'The shop is looking into your claim' });
  await expect(phase).toContainText("The carrier's service did not accept your claim", { timeout: 15_000 });
  await phase.getByText('Details for the shop').click();
  await expect(phase.locator('.pd-reason')).toContainText(reason);
}

test('a claim the carrier refuses (PD-DELIVERED-0002) is received, then its status says why', async ({ page }) => {
  const form = new LostClaimForm(page);
  await form.open();
  await form.trackingNumber.fill('PD-DELIVERED-0002');
  await form.chooseOwnContract();
  await form.field('What was in the parcel?').fill('A grinder');
  await form.submit.click();
  await expectRefused(form, 'Parcel is already delivered');
  await shoot(page, 'claim-refused');
});

test('missing fields are marked before anything is sent', async ({ page }) => {
  const form = new LostClaimForm(page);
  await form.open();
  let claimsSent = 0;
  page.on('request', (r) => { if (r.url().includes('/api/dsf/tickets')) claimsSent += 1; });

  await form.trackingNumber.fill('PD-TRANSIT-0001');
  await form.field('What was in the parcel?').fill('Espresso machine');
  await form.submit.click();

  await expect(form.banner).toContainText('Some answers need your attention.');
  await form.expectInvalid(form.field('What did the parcel look like?'), 'Please fill in this field.');
  await form.expectInvalid(form.field('Sales invoice'), 'Please fill in this field.');
  await form.expectInvalid(form.field('Length (cm)'), 'Please fill in this field.');
  await expect(form.field('What was in the parcel?')).not.toHaveAttribute('aria-invalid', 'true');
  // Focus moves to the first field that needs attention: the sales price.
  const salesPrice = form.widget.getByRole('group', { name: 'Value of the contents (sales price)' }).getByLabel('Amount');
  await form.expectInvalid(salesPrice, 'Please fill in this field.');
  await expect(salesPrice).toBeFocused();
  expect(claimsSent).toBe(0);
  await shoot(page, 'claim-missing');
});

test("upstream's validation errors reach the claim's status", async ({ page }) => {
  // PD-TRANSIT-0001 is a Sendcloud-rates parcel: claimed as own contract,
  // the browser asks only for the tracking number, upstream asks for more.
  const form = new LostClaimForm(page);
  await form.open();
  await form.trackingNumber.fill('PD-TRANSIT-0001');
  await form.chooseOwnContract();
  await form.submit.click();
  await expectRefused(form, 'contents_description: Field required');
});

test('a complete Sendcloud-rates claim with uploaded documents is filed', async ({ page }) => {
  const form = new LostClaimForm(page);
  await form.open('?tracking=PD-TRANSIT-0001');
  await expect(form.trackingNumber).toHaveValue('PD-TRANSIT-0001');

  await form.attach('Sales invoice', 'invoice.pdf');
  await form.fillPrice('Value of the contents (sales price)', '49,90', 'GBP');
  await form.fillPrice('Purchase price of the contents', '20');
  await form.field('What was in the parcel?').fill('1 kg house blend, 2 mugs');
  await form.field('What did the parcel look like?').fill('Brown box with a blue logo');
  await form.field('Length (cm)').fill('30');
  await form.field('Width (cm)').fill('20');
  await form.field('Height (cm)').fill('15');
  await form.field('Anything else the carrier should know?').fill('Tracking stopped a week ago.');
  await form.attach('Purchase invoice', 'purchase.pdf');
  await form.attach('Signed statement that the parcel did not arrive', 'statement.pdf');
  await form.attach("Carrier's claim form, filled in", 'claim-form.pdf');
  await shoot(page, 'claim-filled');

  const claim = page.waitForRequest((r) => r.url().endsWith('/api/dsf/tickets/lost') && r.method() === 'POST');
  await form.submit.click();
  const body = JSON.parse((await claim).postData() ?? '{}');
  expect(body.contents_sales_price).toEqual({ price: 49.9, currency: 'GBP' });
  expect(body.parcel_dimensions).toEqual({ length: 30, width: 20, height: 15 });
  expect(body.sales_invoice.file_token).toMatch(/\S{10,}/);
  expect(body).not.toHaveProperty('carrier_contract_id');
  await expect(form.successHeading).toBeVisible();
});

test('an unknown tracking number and a refused file type get clear messages', async ({ page }) => {
  const form = new LostClaimForm(page);
  await form.open();
  await form.field('Sales invoice').setInputFiles('fixtures/setup.exe');
  await expect(form.widget.getByText('This file type is not accepted.')).toBeVisible();

  await form.trackingNumber.fill('NOPE-123');
  await form.chooseOwnContract();
  await form.submit.click();
  await expectRefused(form, 'Parcel not found.');
});

test('a double click files one claim', async ({ page }) => {
  const form = new LostClaimForm(page);
  await form.open();
  let posts = 0;
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/dsf/tickets/lost')) posts += 1; });
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.chooseOwnContract();
  await form.submit.dblclick();
  await expect(form.successHeading).toBeVisible();
  expect(posts).toBe(1);
});

test('the demo shop embeds the widget in a shadow root, untouched by the shop CSS', async ({ page }) => {
  await page.goto('/shop.html');
  const form = new LostClaimForm(page);
  await expect(form.heading).toBeVisible();
  await expect(form.trackingNumber).toHaveValue('PD-TRANSIT-0001');
  const hasShadow = await page.locator('parcel-desk').evaluate((el) => el.shadowRoot !== null);
  expect(hasShadow).toBe(true);
  // The shop paints every label hotpink with !important; the widget's labels keep their colour.
  const color = await form.widget.locator('label[for="tracking_number"]').evaluate((el) => getComputedStyle(el).color);
  expect(color).not.toBe('rgb(255, 105, 180)');
  // ...and the widget's styles do not leak into the shop.
  const shopHeading = await page.locator('h1').evaluate((el) => getComputedStyle(el).textTransform);
  expect(shopHeading).toBe('uppercase');
  await shoot(page, 'shop');
});
