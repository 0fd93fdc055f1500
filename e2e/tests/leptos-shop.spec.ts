import { test, expect, type Locator } from '@playwright/test';
import { ClaimForm } from '../pages/claim-form';
import { shoot } from '../pages/shots';

// The component library in another Leptos app: examples/leptos-shop, a shop
// page with an order list whose "Report a problem" opens <ClaimForm>
// prefilled from the order, and a status page with <ClaimStatus>. The shop
// hears of the claim through the typed on_submitted callback. The shop's
// global CSS (red uppercase buttons, huge red headings, underlined labels)
// styles the shop and never reaches the widget's shadow root, and the
// widget's CSS never reaches the shop.

const SHOP = `http://127.0.0.1:${Number(process.env.PD_E2E_PORT ?? 8091) + 2}`;

async function style(l: Locator, props: string[]) {
  return l.evaluate((el, ps) => {
    const cs = getComputedStyle(el);
    return Object.fromEntries(ps.map((p) => [p, cs.getPropertyValue(p)]));
  }, props);
}

for (const width of [375, 1280]) {
  test(`at ${width} px: a claim filed from an order, then its status`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${SHOP}/`);
    await expect(page.getByRole('heading', { name: 'My orders' })).toBeVisible();
    await page.getByRole('button', { name: 'Report a problem with order ORD-0003' }).click();

    const widget = page.locator('.pd-isolated');
    const form = new ClaimForm(page, widget);
    await expect(form.heading).toBeVisible();
    // Prefilled from the order and the signed-in customer.
    await expect(form.trackingNumber).toHaveValue('PD-OWN-0003');

    // Styles stay on their side of the shadow root.
    const shopButton = await style(page.getByRole('button', { name: 'My orders' }), ['text-transform', 'background-color']);
    expect(shopButton).toEqual({ 'text-transform': 'uppercase', 'background-color': 'rgb(176, 0, 32)' });
    const widgetSubmit = await style(form.submit, ['text-transform', 'background-color', 'letter-spacing']);
    expect(widgetSubmit['text-transform']).toBe('none');
    expect(widgetSubmit['background-color']).not.toBe('rgb(176, 0, 32)');
    expect(widgetSubmit['letter-spacing']).toBe('normal');
    expect((await style(form.heading, ['font-size']))['font-size']).not.toBe('40px');
    expect((await style(form.trackingNumber, ['border-top-width']))['border-top-width']).not.toBe('3px');
    const label = widget.locator('label[for="tracking_number"]');
    expect((await style(label, ['text-decoration-line']))['text-decoration-line']).toBe('none');
    expect((await style(page.getByRole('heading', { name: 'A problem with order ORD-0003' }), ['font-size']))['font-size']).toBe('40px');

    await form.choose('lost');
    await expect(form.f('email')).toHaveValue('ann@example.com');
    await expect(form.f('name')).toHaveValue('Ann Example');
    // The order's items, offered as ticks.
    await widget.getByRole('checkbox', { name: '1 × Electric kettle' }).check();
    await form.declare('Ann Example');
    if (width === 375) await shoot(page, 'leptos-shop-claim');
    await form.submit.click();

    await expect(form.successHeading).toBeVisible({ timeout: 15_000 });
    const reference = ((await widget.locator('.pd-reference strong').textContent()) ?? '').match(/PD-[0-9A-Z]{4}-[0-9A-Z]{2}/)?.[0];
    expect(reference).toBeTruthy();
    // on_submitted told the shop, typed.
    await expect(page.getByRole('status').filter({ hasText: `We received your claim ${reference}.` })).toBeVisible();

    // The shop's status page: <ClaimStatus reference=…> opens the claim
    // this tab filed, without a look-up.
    await page.getByRole('button', { name: 'Claim status' }).click();
    await expect(page.getByRole('heading', { name: 'Your claim' })).toBeVisible();
    const status = page.locator('.pd-isolated');
    await expect(status.locator('.pd-claim-reference')).toContainText(reference!);
    await expect(status.getByRole('status').filter({ hasText: 'Filed with the carrier' })).toBeVisible({ timeout: 30_000 });
    if (width === 375) await shoot(page, 'leptos-shop-status');
  });
}
