import { test, expect, type Locator, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { LostClaimForm } from '../pages/claim-form';

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

type Setup = (page: Page, form: LostClaimForm) => Promise<void>;

const STATES: [string, Setup][] = [
  ['claim form, empty', async (_page, form) => {
    await form.open();
  }],
  ['claim form, errors shown', async (_page, form) => {
    await form.open();
    await form.trackingNumber.fill('PD-TRANSIT-0001');
    await form.submit.click();
    await expect(form.banner).toContainText('Some answers need your attention.');
  }],
  ['claim status, refused upstream', async (_page, form) => {
    await form.open();
    await form.trackingNumber.fill('PD-NOPE-9999');
    await form.chooseOwnContract();
    await form.submit.click();
    await expect(form.successHeading).toBeVisible();
    await form.widget.getByRole('button', { name: 'Follow this claim' }).click();
    await expect(form.widget.getByText('The shop is looking into your claim')).toBeVisible({ timeout: 15_000 });
  }],
  ['claim form, submitting', async (page, form) => {
    await form.open();
    await form.trackingNumber.fill('PD-OWN-0003');
    await form.chooseOwnContract();
    // Hold the claim until axe is done (released in the test's end).
    await page.route('**/api/dsf/tickets/lost', async (route) => {
      await new Promise<void>((release) => { (page as unknown as { release: () => void }).release = release; });
      await route.continue();
    });
    await form.submit.click();
    await expect(form.submit).toHaveText('Submitting…');
    await expect(form.submit).toBeDisabled();
  }],
  ['claim submitted', async (_page, form) => {
    await form.open();
    await form.trackingNumber.fill('PD-OWN-0003');
    await form.chooseOwnContract();
    await form.submit.click();
    await expect(form.successHeading).toBeVisible();
  }],
  ['damage form', async (_page, form) => {
    await form.open('?claim=damage');
    await expect(form.widget.getByRole('heading', { name: 'Report a damaged parcel' })).toBeVisible();
  }],
  ['damage form with an uploaded document', async (_page, form) => {
    await form.open('?claim=damage&tracking=PD-TRANSIT-0001');
    await form.attach('Sales invoice', 'invoice.pdf');
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
    await w.getByRole('button', { name: 'Register parcel' }).click();
    await expect(w.getByRole('alert')).toContainText('Some answers need your attention.');
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
        const form = new LostClaimForm(page);
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
    const form = new LostClaimForm(page);
    await form.open();
    expect(await background(page)).toBe('rgb(255, 255, 255)');
    await form.open('?theme=auto');
    expect(await background(page)).toBe('rgb(13, 17, 23)');
    await form.open('?theme=dark');
    expect(await background(page)).toBe('rgb(13, 17, 23)');
  });
});

test('axe, theme="dark" on a light system: claim form with errors', async ({ page }) => {
  const form = new LostClaimForm(page);
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
  const form = new LostClaimForm(page);
  await form.open();

  // Submitting the empty form: focus moves to the first field with an error.
  await tabTo(page, form.submit);
  await page.keyboard.press('Enter');
  await expect(form.banner).toContainText('Some answers need your attention.');
  await expect(form.trackingNumber).toBeFocused();
  await expect(form.trackingNumber).toHaveAttribute('aria-invalid', 'true');

  await page.keyboard.type('PD-OWN-0003');
  // The parcel kind: Tab into the radio group, arrow to "own contract".
  const own = form.widget.getByRole('radio', { name: "On the shop's own carrier contract" });
  const rates = form.widget.getByRole('radio', { name: "With the shop's Sendcloud label" });
  await tabTo(page, (await own.isChecked()) ? own : rates);
  if (!(await own.isChecked())) await page.keyboard.press('ArrowDown');
  await expect(own).toBeChecked();
  await expect(own).toBeFocused();
  await tabTo(page, form.field('Carrier contract number'));
  await page.keyboard.type('123');
  await tabTo(page, form.field('What was in the parcel?'));
  await page.keyboard.type('Two bags of coffee beans');
  // The portal checkbox with Space, and back off again.
  const portal = form.widget.getByRole('checkbox');
  await tabTo(page, portal);
  await page.keyboard.press('Space');
  await expect(portal).toBeChecked();
  await page.keyboard.press('Space');
  await expect(portal).not.toBeChecked();

  await tabTo(page, form.submit);
  await page.keyboard.press('Enter');
  await expect(form.successHeading).toBeVisible();
  await expect(form.successHeading).toBeFocused();
  // From the success screen on to the status, by keyboard.
  const follow = form.widget.getByRole('button', { name: 'Follow this claim' });
  await tabTo(page, follow);
  await page.keyboard.press('Enter');
  await expect(form.widget.getByRole('heading', { name: 'Claim status' })).toBeVisible();
});
