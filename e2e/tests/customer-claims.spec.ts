import { test, expect, type Page, type APIRequestContext } from '@playwright/test';
import { ClaimForm, SHOP_ONLY } from '../pages/claim-form';
import { noisyJpeg } from '../pages/photos';
import { shoot } from '../pages/shots';

/** The customer of the sandbox's demo orders (sandbox/src/demo/orders.rs). */
const DEMO_ORDER_EMAIL = 'customer@example.com';

test.beforeEach(async ({ page }) => {
  // Every test starts without drafts from an earlier one.
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
});

/** Each claim type, the sandbox parcel it is filed for, the type upstream
 *  gives the ticket, and the customer's answers. */
type Case = {
  claimType: string;
  parcel: string;
  ticketType: string;
  /** What the form says the choice is filed as, once tracking answered. */
  filedAs?: string;
  answer: (form: ClaimForm, page: Page) => Promise<void>;
};

const CASES: Case[] = [
  {
    claimType: 'lost', parcel: 'PD-OWN-0003', ticketType: 'lost', filedAs: 'filed_as_lost',
    answer: async (form) => {
      await form.f('contents_label').fill('Two bags of coffee beans');
      await form.declare();
    },
  },
  {
    claimType: 'damage', parcel: 'PD-OWN-0003', ticketType: 'damaged',
    answer: async (form, page) => {
      await form.f('contents_label').fill('A ceramic vase');
      await form.f('exterior_label').fill('Box crushed on one corner');
      const photo = await noisyJpeg(page.context().browser()!, 800, 600);
      await form.attach(form.t.photos_damage, photo, 'parcel-desk-photo-800x600.jpg');
      await form.widget.getByRole('radio', { name: form.t.resolution_replacement }).check();
    },
  },
  {
    claimType: 'delivered-but-not-received', parcel: 'PD-OWN-DELIVERED-0008', ticketType: 'delivered_not_received',
    filedAs: 'filed_as_not_received',
    answer: async (form) => {
      await form.f('contents_label').fill('A grinder');
      await form.declare();
    },
  },
  {
    claimType: 'late-delivery', parcel: 'PD-OWN-LATE-0009', ticketType: 'late_delivery', filedAs: 'filed_as_late',
    answer: async () => {},
  },
  {
    claimType: 'unjust-return', parcel: 'PD-RETURNED-0010', ticketType: 'unjust_return',
    answer: async (form) => {
      await form.f('remarks').fill('I was at home all day.');
    },
  },
  {
    claimType: 'address-change', parcel: 'PD-OWN-0003', ticketType: 'address_change',
    answer: async (form) => {
      await form.f('new_address_label').fill('Keizersgracht 1, 1015 CJ Amsterdam');
    },
  },
  {
    claimType: 'other', parcel: 'PD-OWN-0003', ticketType: 'other_shipping',
    answer: async (form) => {
      await form.widget.getByRole('radio', { name: form.t.missing_empty }).check();
      await form.f('missing_remarks').fill('The box held only packing paper.');
    },
  },
];

/** Reads the claim until the filing worker filed it; the upstream ticket. */
async function filed(request: APIRequestContext, claimId: string, token: string) {
  let ticket: { id?: unknown; type?: string } = {};
  await expect
    .poll(async () => {
      const r = await request.get(`/api/dsf/tickets/${claimId}`, { headers: { 'X-Ticket-Token': token } });
      ticket = await r.json();
      return typeof ticket.id;
    }, { timeout: 20_000 })
    .toBe('number');
  return ticket;
}

for (const [lang, width] of [['en', 375], ['de', 1280], ['en', 1280], ['de', 375]] as const) {
  for (const c of CASES) {
    test(`${c.claimType}: filed by a customer for ${c.parcel} (${lang}, ${width} px)`, async ({ page, request }) => {
      await page.setViewportSize({ width, height: 900 });
      const form = new ClaimForm(page, undefined, lang);
      await form.open(`?lang=${lang}&tracking=${c.parcel}`);
      // Tracking answered: the choice can follow what it says.
      await expect(form.widget.getByText(form.t.latest_status)).toBeVisible();
      await form.choose(c.claimType);
      if (c.filedAs) await expect(form.widget.getByText(form.t[c.filedAs])).toBeVisible();
      await c.answer(form, page);
      await form.customer();

      // Nothing the customer sees asks for the shop's facts.
      const labels = await form.widget.locator('label, legend, summary').allTextContents();
      for (const label of labels) expect(label).not.toMatch(SHOP_ONLY);

      const sent = page.waitForRequest((r) => r.url().endsWith('/api/claims') && r.method() === 'POST');
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/claims') && r.request().method() === 'POST');
      await form.submit.click();
      const body = JSON.parse((await sent).postData() ?? '{}');
      expect(body.claim_type).toBe(c.claimType);
      expect(body.email).toBe('ann@example.com');
      for (const key of Object.keys(body)) {
        expect(['claim_type', 'tracking_number', 'order_number', 'contents', 'items', 'exterior', 'dimensions', 'photos',
          'remarks', 'new_address', 'subject', 'email', 'name', 'resolution', 'declaration', 'language']).toContain(key);
      }
      const created = await (await answered).json();
      expect((await answered).status()).toBe(202);
      expect(created.state).toBe('received');

      await expect(form.successHeading).toBeVisible();
      await expect(form.successHeading).toBeFocused();
      await expect(form.reference).toHaveText(/^PD-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
      await expect(form.reference).toHaveText(created.reference);
      await expect(form.widget.getByText(form.t.success_received)).toBeVisible();
      if (c.claimType === 'damage' && lang === 'en' && width === 375) await shoot(page, 'claim-success');

      const ticket = await filed(request, created.claim_id, created.access_token);
      expect(ticket.type).toBe(c.ticketType);
    });
  }
}

test('the claim form at 375 and 1280 px: empty, a lost claim and a damage claim filled in', async ({ page, browser }) => {
  const form = new ClaimForm(page);
  await form.open('?tracking=PD-OWN-0003');
  await expect(form.widget.getByText(form.t.latest_status)).toBeVisible();
  await shoot(page, 'claim-empty');
  await form.choose('lost');
  await form.f('contents_label').fill('Two bags of coffee beans');
  await form.customer();
  await form.declare();
  await shoot(page, 'claim-lost-filled');
  // The height a customer scrolls on a phone, for the record.
  await page.setViewportSize({ width: 375, height: 900 });
  const lostHeight = await form.widget.locator('form').evaluate((el) => el.getBoundingClientRect().height);
  await form.choose('damage');
  await form.f('exterior_label').fill('Box crushed on one corner');
  const photo = await noisyJpeg(browser, 800, 600);
  await form.attach(form.t.photos_damage, photo, 'parcel-desk-photo-800x600.jpg');
  await shoot(page, 'claim-damage-filled');
  await page.setViewportSize({ width: 375, height: 900 });
  const damageHeight = await form.widget.locator('form').evaluate((el) => el.getBoundingClientRect().height);
  console.log(`claim form height at 375 px: lost ${Math.round(lostHeight)} px, damage ${Math.round(damageHeight)} px`);
  expect(damageHeight).toBeLessThan(4000);
});

test('a delivered parcel offers delivered-but-not-received, and says why an address change is not possible', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open('?tracking=PD-OWN-DELIVERED-0008');
  await expect(form.widget.getByText(form.t.latest_status)).toBeVisible();
  const address = form.widget.getByRole('radio', { name: form.t.situation_address });
  await expect(address).toHaveAccessibleDescription(form.t.already_delivered);
  await form.choose('delivered-but-not-received');
  await expect(form.widget.getByText(form.t.filed_as_not_received)).toBeVisible();
  await expect(form.widget.getByRole('checkbox', { name: form.t.declaration_text })).toBeVisible();
  await shoot(page, 'claim-delivered');
});

test('a parcel still on its way cannot be reported lost yet, and the form says until when', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open('?tracking=PD-RECENT-0006');
  await expect(form.widget.getByText(form.t.latest_status)).toBeVisible();
  await form.choose('lost');
  const notice = form.widget.getByRole('status').filter({ hasText: 'Your parcel may still be on its way.' });
  await expect(notice).toBeVisible();
  let claimsSent = 0;
  page.on('request', (r) => { if (r.url().endsWith('/api/claims')) claimsSent += 1; });
  await form.submit.click();
  await expect(form.banner).toContainText('Some answers need your attention.');
  expect(claimsSent).toBe(0);
});

test('missing answers are marked before anything is sent, and errors clear when fixed', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open('?claim=lost');
  let claimsSent = 0;
  page.on('request', (r) => { if (r.url().endsWith('/api/claims')) claimsSent += 1; });
  await form.submit.click();
  await expect(form.banner).toContainText('Some answers need your attention.');
  await form.expectInvalid(form.trackingNumber, form.t.err_no_parcel);
  await expect(form.trackingNumber).toBeFocused();
  await form.expectInvalid(form.f('contents_label'), form.t.err_required);
  await form.expectInvalid(form.f('email'), form.t.err_required);
  await form.expectInvalid(form.widget.getByRole('checkbox', { name: form.t.declaration_text }), form.t.err_not_accepted);
  await shoot(page, 'claim-missing');
  await form.trackingNumber.fill('PD-OWN-0003');
  await expect(form.trackingNumber).not.toHaveAttribute('aria-invalid', 'true');
  await form.f('email').fill('ann@');
  await form.expectInvalid(form.f('email'), form.t.err_email);
  await form.f('email').fill('ann@example.com');
  await expect(form.f('email')).not.toHaveAttribute('aria-invalid', 'true');
  expect(claimsSent).toBe(0);
});

test('the reference and the e-mail address find the claim again after a reload', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open('?tracking=PD-OWN-0003&claim=other');
  await form.f('missing_remarks').fill('One of two mugs is missing.');
  await form.customer('ben@example.com', 'Ben');
  await form.submit.click();
  await expect(form.successHeading).toBeVisible();
  const reference = (await form.reference.textContent())!;
  // "Follow this claim": the status view, and a reload keeps it open.
  await form.widget.getByRole('button', { name: 'Follow this claim' }).click();
  await expect(form.widget.getByText(reference).first()).toBeVisible();
  await page.reload();
  await expect(form.widget.getByText(reference).first()).toBeVisible();
  expect(page.url()).not.toContain('token');
  // Another browser (no stored token): the reference and the e-mail address.
  const other = await page.context().browser()!.newPage();
  await other.goto('/?view=status');
  const w = other.locator('parcel-desk');
  await w.getByLabel(/^Claim reference/).fill(reference.toLowerCase().replace(/-/g, ' '));
  await w.getByLabel(/^Email address or postal code/).fill('ben@example.com');
  await w.getByRole('button', { name: 'Show status' }).click();
  await expect(w.getByText(reference).first()).toBeVisible();
  await other.close();
});

test('a claim the carrier refuses is received, then its status says so in customer words', async ({ page }) => {
  // PD-TRANSIT-0001 ships on Sendcloud rates: upstream wants the shop's
  // documents, which the sandbox proxy (own contract by default) cannot add.
  const form = new ClaimForm(page);
  await form.open('?tracking=PD-TRANSIT-0001&claim=lost');
  await expect(form.widget.getByText(form.t.latest_status)).toBeVisible();
  await form.f('contents_label').fill('Espresso machine');
  await form.customer();
  await form.declare();
  await form.submit.click();
  await expect(form.successHeading).toBeVisible();
  await form.widget.getByRole('button', { name: 'Follow this claim' }).click();
  // In customer words; upstream's reason folded away for the shop.
  const phase = form.widget.getByRole('status').filter({ hasText: 'The shop is looking into your claim' });
  await expect(phase).toContainText("The carrier's service did not accept your claim", { timeout: 15_000 });
  await phase.getByText('Details for the shop').click();
  await expect(phase.locator('.pd-reason')).toContainText('Field required');
  await shoot(page, 'claim-refused');
});

test('an unknown tracking number is said at the field and nothing is sent', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open('?claim=address-change');
  await form.trackingNumber.fill('NOPE-123');
  await form.trackingNumber.press('Enter');
  await form.expectInvalid(form.trackingNumber, form.t.err_tracking_not_found);
  await form.f('new_address_label').fill('Keizersgracht 1, 1015 CJ Amsterdam');
  await form.customer();
  let claimsSent = 0;
  page.on('request', (r) => { if (r.url().endsWith('/api/claims')) claimsSent += 1; });
  await form.submit.click();
  await expect(form.banner).toContainText('Some answers need your attention.');
  await expect(form.trackingNumber).toBeFocused();
  expect(claimsSent).toBe(0);
});

test("a claim by order number: the shop's order completes it; a wrong e-mail is said at the fields", async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open('?claim=address-change');
  await form.widget.getByRole('button', { name: form.t.no_tracking_number }).click();
  await form.f('order_number').fill('ORD-0003');
  await form.f('new_address_label').fill('Keizersgracht 1, 1015 CJ Amsterdam');
  await form.customer('someone.else@example.com', 'Ann Example');
  await form.submit.click();
  await form.expectInvalid(form.f('order_number'), form.t.err_order_not_found);
  await form.expectInvalid(form.f('email'), form.t.err_order_not_found);
  await expect(form.f('order_number')).toBeFocused();
  await form.f('email').fill(DEMO_ORDER_EMAIL);
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/claims') && r.request().method() === 'POST');
  await form.submit.click();
  await expect(form.successHeading).toBeVisible();
  const created = await (await answered).json();
  expect(created.state).toBe('received');
});

test('a double click files one claim', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open('?tracking=PD-OWN-0003&claim=address-change');
  await form.f('new_address_label').fill('Keizersgracht 1, 1015 CJ Amsterdam');
  await form.customer();
  let posts = 0;
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/claims')) posts += 1; });
  await form.submit.dblclick();
  await expect(form.successHeading).toBeVisible();
  expect(posts).toBe(1);
});

test('the demo shop embeds the widget in a shadow root, untouched by the shop CSS', async ({ page }) => {
  await page.goto('/shop.html');
  const form = new ClaimForm(page);
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
