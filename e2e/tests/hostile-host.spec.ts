import { test, expect, type Page } from '@playwright/test';

// demo/hostile.html: global CSS that resets *, form controls and labels with
// !important, sets !important colours, fonts and sizes, a 10px root font
// size, and tries to reach into <parcel-desk>. The widget must look as on
// the standalone page, and must change nothing of the page around it.

const WIDGET_PROPS = [
  'color', 'background-color', 'font-family', 'font-size', 'font-weight', 'font-style', 'line-height',
  'letter-spacing', 'word-spacing', 'text-transform', 'text-align', 'text-shadow', 'white-space',
  'cursor', 'box-sizing', 'display', 'width',
  'padding-top', 'padding-right', 'padding-bottom', 'padding-left',
  'margin-top', 'margin-bottom',
  'border-top-width', 'border-top-style', 'border-top-color', 'border-left-width', 'border-left-color',
  'border-top-left-radius', 'outline-style', 'accent-color', 'color-scheme',
];

// Inner elements, by selector inside the shadow root.
const INNER = [
  '.pd-root',
  '.pd-nav .pd-tab[aria-pressed="true"]',
  '.pd-title',
  '.pd-intro',
  '.pd-field > label[for="tracking_number"]',
  '#tracking_number',
  '#tracking_number-hint',
  'fieldset.pd-field',
  'fieldset.pd-field legend',
  'input[type="radio"]',
  '.pd-radio label',
  'button.pd-link',
  'textarea',
  'details > summary',
  'input[type="checkbox"]',
  '.pd-check label',
  '.pd-submit',
];

async function widgetStyles(page: Page) {
  const widget = page.locator('parcel-desk');
  await expect(widget.getByRole('heading', { name: 'Report a problem with your parcel' })).toBeVisible();
  // A situation chosen, so that its questions (text areas, the size, the
  // declaration's checkbox) are on screen too.
  await widget.getByRole('radio', { name: 'My parcel has not arrived' }).check();
  await expect(widget.getByRole('checkbox', { name: 'I confirm that I have not received this parcel.' })).toBeVisible();
  return page.evaluate(([selectors, props]) => {
    const root = document.querySelector('parcel-desk')!.shadowRoot!;
    const out: Record<string, Record<string, string>> = {};
    for (const sel of selectors) {
      const el = root.querySelector(sel);
      if (!el) throw new Error(`no ${sel} in the widget`);
      const cs = getComputedStyle(el);
      out[sel] = Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
    }
    return out;
  }, [INNER, WIDGET_PROPS] as const);
}

/** Share of pixels that differ between two PNGs of the same size (decoded in the page). */
async function pixelDifference(page: Page, a: Buffer, b: Buffer): Promise<number> {
  return page.evaluate(async ([a64, b64]) => {
    const load = async (b64: string) => {
      const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
      return createImageBitmap(blob);
    };
    const [ia, ib] = await Promise.all([load(a64), load(b64)]);
    if (ia.width !== ib.width || ia.height !== ib.height) return 1;
    const pixels = (img: ImageBitmap) => {
      const c = new OffscreenCanvas(img.width, img.height);
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      return ctx.getImageData(0, 0, img.width, img.height).data;
    };
    const [pa, pb] = [pixels(ia), pixels(ib)];
    let differ = 0;
    for (let i = 0; i < pa.length; i += 4) {
      if (Math.abs(pa[i] - pb[i]) + Math.abs(pa[i + 1] - pb[i + 1]) + Math.abs(pa[i + 2] - pb[i + 2]) > 24) differ += 1;
    }
    return differ / (pa.length / 4);
  }, [a.toString('base64'), b.toString('base64')] as const);
}

test('the hostile page leaves the widget looking exactly as on the standalone page', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  const normal = await widgetStyles(page);
  const inner = page.locator('parcel-desk').locator('.pd-form');
  const normalShot = await inner.screenshot();

  // No draft from the standalone page (it would be restored, with a notice).
  await page.evaluate(() => localStorage.clear());
  await page.goto('/hostile.html');
  // The page's CSS is in force around the widget…
  await expect(page.locator('.host-button')).toHaveCSS('background-color', 'rgb(0, 0, 0)');
  await expect(page.locator('.host-text')).toHaveCSS('font-size', '22px');
  // …and nowhere inside it.
  const hostile = await widgetStyles(page);
  expect(hostile).toEqual(normal);
  const hostileShot = await inner.screenshot();
  await test.info().attach('standalone', { body: normalShot, contentType: 'image/png' });
  await test.info().attach('hostile', { body: hostileShot, contentType: 'image/png' });
  // Identical but for a few anti-aliased pixels (sub-pixel offsets); any
  // leaked colour, font or size would change thousands.
  expect(await pixelDifference(page, normalShot, hostileShot)).toBeLessThan(0.0001);
});

// Every element of the page, by index, with the styles a widget could leak into.
const HOST_PROPS = [
  'color', 'background-color', 'font-family', 'font-size', 'font-weight', 'line-height', 'letter-spacing',
  'text-transform', 'display', 'margin-top', 'margin-left', 'padding-top', 'padding-left',
  'border-top-width', 'border-top-style', 'border-top-color', 'box-sizing', 'outline-style', 'color-scheme',
];

async function hostStyles(page: Page) {
  return page.evaluate((props) => {
    const all = [...document.querySelectorAll('*')].filter((el) => el.localName !== 'parcel-desk');
    return {
      elements: all.map((el) => {
        const cs = getComputedStyle(el);
        return `${el.localName}.${el.className}: ${props.map((p) => cs.getPropertyValue(p)).join('; ')}`;
      }),
      lang: document.documentElement.lang,
      htmlAttributes: [...document.documentElement.attributes].map((a) => `${a.name}=${a.value}`),
      bodyAttributes: [...document.body.attributes].map((a) => `${a.name}=${a.value}`),
      documentSheets: document.styleSheets.length,
      adoptedSheets: document.adoptedStyleSheets.length,
      title: document.title,
    };
  }, HOST_PROPS);
}

for (const path of ['/hostile.html', '/shop.html']) {
  test(`the widget changes nothing of the host page's look (${path})`, async ({ page }) => {
    // Without the widget: its script never loads.
    await page.route('**/parcel-desk-element.js', (route) => route.abort());
    await page.goto(path);
    await page.waitForLoadState('networkidle');
    const without = await hostStyles(page);
    expect(await page.evaluate(() => customElements.get('parcel-desk'))).toBeUndefined();

    await page.unroute('**/parcel-desk-element.js');
    await page.goto(path);
    await expect(page.locator('parcel-desk').getByRole('heading', { name: 'Report a problem with your parcel' })).toBeVisible();
    const withWidget = await hostStyles(page);
    expect(withWidget).toEqual(without);
  });
}
