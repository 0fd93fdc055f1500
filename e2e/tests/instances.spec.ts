import { test, expect } from '@playwright/test';

test('several widgets on one page work independently, share one WebAssembly instance, and unmount when removed', async ({ page }) => {
  // The full build is split per view: the shell and each other view's
  // module, each fetched once however many widgets there are.
  const wasmLoads = new Map<string, number>();
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) {
      const path = new URL(r.url()).pathname;
      wasmLoads.set(path, (wasmLoads.get(path) ?? 0) + 1);
    }
  });
  await page.goto('/shop.html');
  await page.evaluate(() => {
    localStorage.clear();
    const second = document.createElement('parcel-desk');
    second.id = 'second';
    second.setAttribute('proxy-url', '/api');
    second.setAttribute('view', 'track');
    second.setAttribute('lang', 'de');
    document.querySelector('main')!.appendChild(second);
  });
  const first = page.locator('parcel-desk').first();
  const second = page.locator('#second');
  await expect(first.getByRole('heading', { name: 'Report a problem with your parcel' })).toBeVisible();
  await expect(second.getByRole('heading', { name: 'Paket verfolgen' })).toBeVisible();

  await first.getByRole('radio', { name: 'My parcel has not arrived' }).check();
  await first.getByLabel(/^What was in the parcel\?/).fill('Coffee beans');
  await second.getByLabel(/^Sendungsnummer/).fill('PD-TRANSIT-0001');
  await expect(first.getByLabel(/^Tracking number/)).toHaveValue('PD-TRANSIT-0001');
  await expect(second.getByLabel(/^Sendungsnummer/)).toHaveValue('PD-TRANSIT-0001');
  await first.getByRole('button', { name: 'Track a parcel' }).click();
  await expect(second.getByRole('heading', { name: 'Paket verfolgen' })).toBeVisible();
  expect(wasmLoads.get('/parcel-desk_bg.wasm')).toBe(1);
  expect(wasmLoads.get('/split_track_view.wasm')).toBe(1);
  for (const [path, loads] of wasmLoads) expect(loads, path).toBe(1);

  // Removing an element unmounts its widget; the other keeps working.
  const emptied = await page.evaluate(() => {
    const el = document.getElementById('second')!;
    const root = el.shadowRoot!;
    el.remove();
    return root.querySelector('.pd-root') === null;
  });
  expect(emptied).toBe(true);
  await first.getByRole('button', { name: 'Report a problem' }).click();
  await expect(first.getByLabel(/^What was in the parcel\?/)).toHaveValue('Coffee beans');

  // Attribute changes re-render in place (here: the language).
  await page.evaluate(() => document.querySelector('parcel-desk')!.setAttribute('lang', 'fr'));
  await expect(first.locator('.pd-root')).toHaveAttribute('lang', 'fr');
  await expect(first.getByRole('heading', { name: 'Signaler un problème avec votre colis' })).toBeVisible();
  // What was answered stays (the situation and the contents).
  await expect(first.locator('input#situation-not-arrived')).toBeChecked();
  await expect(first.locator('textarea#contents')).toHaveValue('Coffee beans');
});

test('only the language a page needs is downloaded, alongside the WebAssembly', async ({ page }) => {
  const files: string[] = [];
  // (The standalone page's own preload hint for its language, English:
  // resource type "other"; the widget's fetches are "fetch".)
  const hinted: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!/\.(wasm|json|js)$/.test(u.pathname)) return;
    if (r.resourceType() === 'other' && u.pathname.includes('/i18n/')) hinted.push(u.pathname);
    else files.push(u.pathname);
  });
  await page.goto('/?lang=nl');
  const widget = page.locator('parcel-desk');
  await expect(widget.getByRole('heading', { name: 'Een probleem met uw pakket melden' })).toBeVisible();
  const core = () => files.filter((f) => f.includes('/i18n/') && !f.endsWith('.views.json'));
  const views = () => files.filter((f) => f.endsWith('.views.json'));
  // The widget fetches Dutch only; the page itself hints at its own
  // language, English (<html lang="en">).
  expect(hinted).toEqual(['/i18n/en.json']);
  expect(core()).toEqual(['/i18n/nl.json']);
  // Requested before the WebAssembly was there, not after it.
  expect(files.indexOf('/i18n/nl.json')).toBeLessThan(files.indexOf('/parcel-desk_bg.wasm') + 2);
  // The other views' texts come later (when the page is idle, with their
  // modules), in that language only.
  await expect.poll(views).toEqual(['/i18n/nl.views.json']);

  // No language is compiled in: an English page fetches English's file
  // the same way, and later English's view texts.
  files.length = 0;
  hinted.length = 0;
  await page.goto('/?lang=en');
  await expect(widget.getByRole('heading', { name: 'Report a problem with your parcel' })).toBeVisible();
  // (The page's preload, which the widget's fetch takes.)
  expect(hinted).toEqual(['/i18n/en.json']);
  expect(core().filter((f) => f !== '/i18n/en.json')).toEqual([]);
  await expect.poll(views).toEqual(['/i18n/en.views.json']);
});

test('without its language and without English the element says why instead of a blank box', async ({ page }) => {
  for (const file of ['it', 'en']) {
    await page.route(`**/i18n/${file}.json`, (route) => route.fulfill({ status: 503, body: 'down' }));
  }
  const messages: string[] = [];
  await page.exposeFunction('noteError', (m: string) => messages.push(m));
  await page.addInitScript(() => {
    document.addEventListener('parcel-desk:error', (e) => (window as any).noteError((e as CustomEvent).detail.message));
  });
  await page.goto('/?lang=it');
  const widget = page.locator('parcel-desk');
  const said = 'parcel-desk could not load its texts: i18n/it.json: Error: 503 Service Unavailable; i18n/en.json: Error: 503 Service Unavailable';
  await expect(widget.getByRole('alert')).toHaveText(said);
  expect(messages).toEqual([said]);
  await expect(widget.getByRole('heading')).toHaveCount(0);
  // The JS API says the same to a page that mounts without a language.
  const thrown = await page.evaluate(async () => {
    const glue = await import('/parcel-desk.js' as string);
    try {
      glue.mount(document.body.appendChild(document.createElement('div')), { lang: 'it' });
      return 'mounted';
    } catch (e) {
      return String(e);
    }
  });
  expect(thrown).toBe(
    'parcel-desk: no texts loaded: before mount, pass i18n/<lang>.json to addLanguage(lang, text) (languageToLoad(lang) names the one missing)',
  );

  // Once the files are there again, a new start shows the widget.
  await page.unrouteAll();
  await page.reload();
  await expect(widget.getByRole('heading', { name: 'Segnala un problema con il tuo pacco' })).toBeVisible();
});

test('a language file that cannot be loaded leaves a working widget in English and says why', async ({ page }) => {
  await page.route('**/i18n/it.json', (route) => route.fulfill({ status: 503, body: 'down' }));
  await page.goto('/shop.html');
  const message = page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        document.addEventListener('parcel-desk:error', (e) => resolve((e as CustomEvent).detail.message), { once: true });
        document.querySelector('parcel-desk')!.setAttribute('lang', 'it');
      }),
  );
  expect(await message).toBe('parcel-desk could not load language "it", showing English: Error: 503 Service Unavailable');
  const widget = page.locator('parcel-desk');
  await expect(widget.locator('.pd-root')).toHaveAttribute('lang', 'en');
  await expect(widget.getByRole('heading', { name: 'Report a problem with your parcel' })).toBeVisible();
  await widget.getByRole('button', { name: 'Submit claim' }).click();
  await expect(widget.getByRole('alert')).toContainText('Some answers need your attention.');
  await expect(widget.getByText('Please fill in this field.').first()).toBeVisible();
});
