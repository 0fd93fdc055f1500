import { test, expect, type Locator, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { ClaimForm } from '../pages/claim-form';
import { noisyJpeg } from '../pages/photos';

// axe-core (WCAG 2.0/2.1 A and AA rules) on every view and state of the
// widget, in light and dark. axe walks the widget's open shadow root.
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function expectNoViolations(page: Page, state: string) {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  // Make sure axe really saw inside the shadow root.
  const inside = results.passes.some((r) => r.nodes.some((n) => Array.isArray(n.target[0])));
  expect(inside, `${state}: axe checked nodes inside the shadow root`).toBe(true);
  const report = results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary?.split('\n').slice(1).join(' ')}`),
  }));
  expect(report, `${state}: axe violations`).toEqual([]);
  // What axe could not decide (e.g. contrast over a gradient) is listed for review.
  for (const r of results.incomplete) {
    test.info().annotations.push({ type: `axe incomplete: ${r.id}`, description: `${state}: ${r.nodes.length} node(s)` });
  }
}

type Setup = (page: Page, form: ClaimForm) => Promise<void>;

const STATES: [string, Setup][] = [
  ['claim form, empty', async (_page, form) => {
    await form.open();
  }],
  ['claim form, nothing chosen, errors shown', async (_page, form) => {
    await form.open();
    await form.submit.click();
    await expect(form.banner).toContainText('Some answers need your attention.');
  }],
  ['claim form, errors shown', async (_page, form) => {
    await form.open();
    await form.trackingNumber.fill('PD-OWN-0003');
    await form.choose('lost');
    await form.submit.click();
    await expect(form.banner).toContainText('Some answers need your attention.');
  }],
  ['claim form, too early for a lost parcel', async (_page, form) => {
    await form.open('?claim=lost&tracking=PD-RECENT-0006');
    await expect(form.widget.getByText(/Your parcel may still be on its way\. If it has not arrived by .+, you can report it here\./).first()).toBeVisible();
  }],
  ['claim status, refused upstream', async (_page, form) => {
    await form.open();
    await form.fillLost('PD-TRANSIT-0001', 'Two bags of coffee beans');
    await form.submit.click();
    await expect(form.successHeading).toBeVisible();
    await form.widget.getByRole('button', { name: 'Follow this claim' }).click();
    await expect(form.widget.getByText('The shop is looking into your claim')).toBeVisible({ timeout: 15_000 });
  }],
  ['claim form, submitting', async (page, form) => {
    await form.open();
    await form.fillLost('PD-OWN-0003', 'Two bags of coffee beans');
    // Hold the claim until axe is done (released in the test's end).
    await page.route('**/api/claims', async (route) => {
      await new Promise<void>((release) => { (page as unknown as { release: () => void }).release = release; });
      await route.continue();
    });
    await form.submit.click();
    await expect(form.submit).toHaveText('Submitting…');
    await expect(form.submit).toBeDisabled();
  }],
  ['claim submitted', async (_page, form) => {
    await form.open();
    await form.fillLost('PD-OWN-0003', 'Two bags of coffee beans');
    await form.submit.click();
    await expect(form.successHeading).toBeVisible();
  }],
  ['damage form', async (_page, form) => {
    await form.open('?claim=damage');
    await expect(form.widget.getByRole('radio', { name: 'It arrived damaged' })).toBeChecked();
    await expect(form.f('photos_damage')).toBeVisible();
  }],
  ['damage form with an uploaded photo', async (page, form) => {
    const photo = await noisyJpeg(page.context().browser()!, 800, 600);
    await form.open('?claim=damage&tracking=PD-OWN-0003');
    await form.attach('Photos of the damage', photo, 'parcel-desk-photo-800x600.jpg');
  }],
  ['missing-item form, errors shown', async (_page, form) => {
    await form.open('?claim=other&tracking=PD-OWN-0003');
    await expect(form.widget.getByRole('radio', { name: 'An item is missing' })).toBeChecked();
    await form.submit.click();
    await expect(form.banner).toContainText('Some answers need your attention.');
  }],
  ['address-change form', async (_page, form) => {
    await form.open('?claim=address-change&tracking=PD-OWN-0003');
    await expect(form.f('new_address_label')).toBeVisible();
  }],
  ['status lookup', async (page) => {
    await page.goto('/?view=status');
    await expect(page.locator('parcel-desk').getByRole('heading', { name: 'Claim status' })).toBeVisible();
  }],
  ['status lookup, errors shown', async (page) => {
    await page.goto('/?view=status');
    const w = page.locator('parcel-desk');
    await w.getByRole('button', { name: 'Show status' }).click();
    await expect(w.getByText('Please fill in this field.').first()).toBeVisible();
  }],
  ['status lookup by reference, no match', async (page) => {
    await page.goto('/?view=status');
    const w = page.locator('parcel-desk');
    await w.getByLabel(/^Claim reference/).fill('PD-0000-00');
    await w.getByLabel(/^Email address or postal code/).fill('nobody@example.com');
    await w.getByRole('button', { name: 'Show status' }).click();
    await expect(w.getByRole('alert')).toContainText('No claim matches this reference');
  }],
  ['status lookup by ticket number, errors shown', async (page) => {
    await page.goto('/?view=status');
    const w = page.locator('parcel-desk');
    await w.getByRole('button', { name: 'Look up by ticket number and order number instead' }).click();
    await w.getByRole('button', { name: 'Show status' }).click();
    await expect(w.getByText('Please enter the ticket number, digits only.')).toBeVisible();
  }],
  ['status of ticket 1003 (resolved)', async (page) => {
    await page.goto('/?view=status');
    const w = page.locator('parcel-desk');
    await w.getByRole('button', { name: 'Look up by ticket number and order number instead' }).click();
    await w.getByLabel(/^Ticket number/).fill('1003');
    await w.getByLabel(/^Order number/).fill('ORD-1003');
    await w.getByRole('button', { name: 'Show status' }).click();
    await expect(w.getByText('The carrier compensated the shop.')).toBeVisible();
  }],
  ['status of ticket 1002 (data requested)', async (page) => {
    await page.goto('/?view=status&order=ORD-1002');
    const w = page.locator('parcel-desk');
    await w.getByRole('button', { name: 'Look up by ticket number and order number instead' }).click();
    await w.getByLabel(/^Ticket number/).fill('1002');
    await w.getByRole('button', { name: 'Show status' }).click();
    await expect(w.getByRole('heading', { name: 'The carrier needs the following from you' })).toBeVisible();
    await expect(w.locator('form.pd-request').first()).toBeVisible();
  }],
  ['tracking PD-TRANSIT-0001', async (page) => {
    await page.goto('/?view=track&tracking=PD-TRANSIT-0001');
    await expect(page.locator('parcel-desk').locator('ol.pd-timeline li').first()).toBeVisible();
  }],
  ['contact form, empty', async (page) => {
    await page.goto('/?view=contact');
    await expect(page.locator('parcel-desk').getByRole('heading', { name: 'Ask the shop' })).toBeVisible();
  }],
  ['contact form, errors shown', async (page) => {
    await page.goto('/?view=contact');
    const w = page.locator('parcel-desk');
    await w.getByRole('button', { name: 'Send message' }).click();
    await expect(w.getByRole('alert')).toContainText('Some answers need your attention.');
  }],
  ['contact message sent', async (page) => {
    await page.goto('/?view=contact&order=ORD-4711');
    const w = page.locator('parcel-desk');
    await w.getByLabel(/^Your name/).fill('Alex Example');
    await w.getByLabel(/^Subject/).fill('Where is my grinder?');
    await w.getByLabel(/^Your message/).fill('Hello, my order has not arrived yet.');
    await w.getByRole('button', { name: 'Send message' }).click();
    await expect(w.getByRole('heading', { name: 'Your message was sent' })).toBeVisible();
  }],
  ['staff view, errors shown', async (page) => {
    await page.goto('/?view=staff');
    const w = page.locator('parcel-desk');
    await w.getByRole('button', { name: 'Register a parcel' }).click();
    await w.getByRole('button', { name: 'Register parcel' }).click();
    await expect(w.getByRole('alert')).toContainText('Some answers need your attention.');
  }],
  ['staff inbox, a claim waiting for the shop', async (page) => {
    // A Sendcloud-rates claim by order number: the shop's part is missing.
    const r = await page.request.post('/api/claims', { data: {
      claim_type: 'lost', order_number: 'ORD-0001', contents: 'A blue vase', email: 'customer@example.com',
      name: 'Jan Jansen', declaration: { accepted: true, signed_name: 'Jan Jansen' },
    } });
    const { reference } = await r.json();
    await page.goto('/?view=staff');
    const w = page.locator('parcel-desk');
    const token = w.getByLabel(/^Staff access token/);
    await token.fill('e2e-staff-token-0123456789');
    await token.press('Enter');
    await w.getByRole('button', { name: reference, exact: true }).click();
    await expect(w.getByRole('heading', { name: new RegExp(reference) })).toBeFocused();
    await w.getByRole('button', { name: 'Reject claim…' }).click();
    await w.getByRole('button', { name: 'Reject the claim', exact: true }).click();
    await expect(w.getByLabel(/^Reason for the customer/)).toHaveAttribute('aria-invalid', 'true');
  }],
  ['tracking, unknown parcel', async (page) => {
    await page.goto('/?view=track&tracking=NOPE-404');
    await expect(page.locator('parcel-desk').getByRole('alert')).toBeVisible();
  }],
];

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
});

/** Every URL the page opens gets `theme=auto` (the widget follows the system only then). */
function followSystemTheme(page: Page) {
  const goto = page.goto.bind(page);
  page.goto = (url: string, options?: Parameters<Page['goto']>[1]) =>
    goto(url + (url.includes('?') ? '&' : '?') + 'theme=auto', options);
}

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`axe, ${scheme}`, () => {
    test.use({ colorScheme: scheme });
    for (const [state, setup] of STATES) {
      test(state, async ({ page }) => {
        followSystemTheme(page);
        const form = new ClaimForm(page);
        await setup(page, form);
        await expectNoViolations(page, `${state} (${scheme})`);
        const release = (page as unknown as { release?: () => void }).release;
        if (release) {
          release();
          await expect(form.successHeading).toBeVisible();
        }
      });
    }
  });
}

test.describe('theme', () => {
  test.use({ colorScheme: 'dark' });
  const background = (page: Page) =>
    page.locator('parcel-desk').locator('.pd-root').evaluate((el) => getComputedStyle(el).backgroundColor);

  test('a dark system gets the light widget unless theme="auto"', async ({ page }) => {
    const form = new ClaimForm(page);
    await form.open();
    expect(await background(page)).toBe('rgb(255, 255, 255)');
    await form.open('?theme=auto');
    expect(await background(page)).toBe('rgb(13, 17, 23)');
    await form.open('?theme=dark');
    expect(await background(page)).toBe('rgb(13, 17, 23)');
  });
});

test('axe, theme="dark" on a light system: claim form with errors', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open('?theme=dark');
  await form.submit.click();
  await expect(form.banner).toBeVisible();
  await expectNoViolations(page, 'theme=dark');
});

/** Presses Tab until `target` has focus (at most `max` times). */
async function tabTo(page: Page, target: Locator, max = 60) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => {
      let active = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      return active === el;
    })) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target}`);
}

test('a whole own-contract lost claim with the keyboard alone', async ({ page }) => {
  const form = new ClaimForm(page);
  await form.open();

  // Submitting the empty form: the summary says what to answer first, and
  // its link leads to "What happened?".
  await tabTo(page, form.submit);
  await page.keyboard.press('Enter');
  await expect(form.banner).toContainText('Some answers need your attention.');
  const toSituation = form.banner.getByRole('link', { name: 'What happened?' });
  await tabTo(page, toSituation);
  await page.keyboard.press('Enter');
  const notArrived = form.widget.getByRole('radio', { name: 'My parcel has not arrived' });
  const damaged = form.widget.getByRole('radio', { name: 'It arrived damaged' });
  await expect(notArrived).toBeFocused();
  // The situation by arrow keys: down to "damaged", back up to "not arrived".
  await page.keyboard.press('ArrowDown');
  await expect(damaged).toBeChecked();
  await expect(damaged).toBeFocused();
  await expect(form.f('photos_damage')).toBeVisible();
  await page.keyboard.press('ArrowUp');
  await expect(notArrived).toBeChecked();
  await expect(notArrived).toBeFocused();
  await expect(form.f('photos_damage')).toHaveCount(0);
  await expect(toSituation).toHaveCount(0);

  // Submitting again: focus moves to the first field with an error.
  await tabTo(page, form.submit);
  await page.keyboard.press('Enter');
  await expect(form.banner).toContainText('Some answers need your attention.');
  await expect(form.trackingNumber).toBeFocused();
  await expect(form.trackingNumber).toHaveAttribute('aria-invalid', 'true');
  await page.keyboard.type('PD-OWN-0003');
  await tabTo(page, form.f('contents_label'));
  await page.keyboard.type('Two bags of coffee beans');
  // The optional size: the <details> opens with Enter.
  const size = form.widget.getByText('Parcel size (optional)');
  await tabTo(page, size);
  await page.keyboard.press('Enter');
  await tabTo(page, form.f('length'));
  await page.keyboard.type('30');
  await page.keyboard.press('Tab');
  await expect(form.f('width')).toBeFocused();
  await page.keyboard.type('20');
  await page.keyboard.press('Tab');
  await expect(form.f('height')).toBeFocused();
  await page.keyboard.type('15');
  // The wish: Tab into the group, arrow to "A replacement".
  const refund = form.widget.getByRole('radio', { name: 'A refund' });
  const replacement = form.widget.getByRole('radio', { name: 'A replacement' });
  await tabTo(page, refund);
  await page.keyboard.press('ArrowDown');
  await expect(replacement).toBeChecked();
  await tabTo(page, form.f('email'));
  await page.keyboard.type('ann@example.com');
  await tabTo(page, form.f('name'));
  await page.keyboard.type('Ann Example');
  // The declaration with Space, off and on again.
  const declaration = form.widget.getByRole('checkbox', { name: form.t.declaration_text });
  await tabTo(page, declaration);
  await page.keyboard.press('Space');
  await expect(declaration).toBeChecked();
  await page.keyboard.press('Space');
  await expect(declaration).not.toBeChecked();
  await page.keyboard.press('Space');
  await expect(declaration).toBeChecked();
  await tabTo(page, form.f('signed_name'));
  await page.keyboard.type('Ann Example');

  const sent = page.waitForRequest((r) => r.url().endsWith('/api/claims') && r.method() === 'POST');
  await tabTo(page, form.submit);
  await page.keyboard.press('Enter');
  const body = JSON.parse((await sent).postData()!);
  expect(body).toMatchObject({
    claim_type: 'lost',
    tracking_number: 'PD-OWN-0003',
    contents: 'Two bags of coffee beans',
    dimensions: { length: 30, width: 20, height: 15 },
    resolution: 'replacement',
    email: 'ann@example.com',
    name: 'Ann Example',
    declaration: { accepted: true, signed_name: 'Ann Example' },
  });
  await expect(form.successHeading).toBeVisible();
  await expect(form.successHeading).toBeFocused();
  await expect(form.reference).toHaveText(/^PD-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
  // From the success screen on to the status, by keyboard.
  const follow = form.widget.getByRole('button', { name: 'Follow this claim' });
  await tabTo(page, follow);
  await page.keyboard.press('Enter');
  await expect(form.widget.getByRole('heading', { name: 'Claim status' })).toBeVisible();
});
