import { test, expect, type Page, type Route } from '@playwright/test';
import { ClaimForm } from '../pages/claim-form';
import { noisyJpeg } from '../pages/photos';

// The full build is split per view (issue 17, scripts/split-build.sh): the
// shell holds the claim form; the status, tracking, contact and staff views
// are modules of their own, fetched when the page is idle or when a view is
// opened. Inside the claim form, the photo list (with the upload pipeline)
// and the tracking look-up are modules too, fetched when the page is idle
// or when the form first needs them.

/** Holds back the requests for `module` until `release()`; `again()` holds
 *  the next ones back too. */
async function holdBack(page: Page, module: RegExp) {
  const held: Route[] = [];
  let hold = true;
  await page.route(module, (route) => (hold ? held.push(route) : route.continue()));
  return {
    held,
    async release() {
      hold = false;
      for (const r of held.splice(0)) await r.continue();
    },
    again() {
      hold = true;
    },
  };
}

test('the claim form is usable while the other views are still loading; a tab shows its view once its module is there', async ({ page }) => {
  const held: Route[] = [];
  // What may load: the widget's own module and the shared chunks, then
  // everything but the tracking view.
  let allowed = (p: string) => !p.startsWith('/split_') || p === '/split_widget.wasm';
  await page.route(/\/(split|chunk)_[a-z_0-9]+\.wasm$/, (route) => {
    if (allowed(new URL(route.request().url()).pathname)) return route.continue();
    held.push(route);
  });
  const release = async () => {
    for (const r of held.splice(0)) {
      if (allowed(new URL(r.request().url()).pathname)) await r.continue(); else held.push(r);
    }
  };
  const form = new ClaimForm(page);
  await form.open();
  // Idle: the other tabs' modules and the claim form's own were asked for,
  // and none has arrived.
  await expect.poll(() => held.map((r) => new URL(r.request().url()).pathname).filter((p) => p.startsWith('/split_')).sort())
    .toEqual(['/split_claim_details_view.wasm', '/split_claim_draft.wasm', '/split_contact_view.wasm', '/split_file_list_view.wasm',
      '/split_lookup_tracking.wasm', '/split_status_view.wasm', '/split_track_view.wasm', '/split_view_texts_reader.wasm']);
  // The parcel and what happened come with the widget: usable at once.
  await form.trackingNumber.fill('PD-OWN-0003');
  await expect(form.trackingNumber).toHaveValue('PD-OWN-0003');
  await form.choose('lost');
  // That claim's questions come with their module.
  await page.waitForTimeout(300);
  await expect(form.f('contents_label')).toHaveCount(0);
  allowed = (p) => p !== '/split_track_view.wasm';
  await release();
  await expect(form.f('contents_label')).toBeVisible();
  await form.f('contents_label').fill('Two bags of coffee beans');

  // The tracking tab says "Loading…" until its module is there.
  await form.widget.getByRole('button', { name: 'Track a parcel' }).click();
  const loading = form.widget.getByRole('status').filter({ hasText: form.t.loading });
  await expect(loading).toBeVisible();
  await page.waitForTimeout(300);
  await expect(form.widget.getByRole('heading', { name: form.t.track_title })).toHaveCount(0);
  allowed = () => true;
  await release();
  await expect(form.widget.getByRole('heading', { name: form.t.track_title })).toBeVisible();
  await expect(loading).toHaveCount(0);
  // Back to the claim form: what was typed is still there.
  await form.widget.getByRole('button', { name: 'Report a problem' }).click();
  await expect(form.trackingNumber).toHaveValue('PD-OWN-0003');
  await expect(form.f('contents_label')).toHaveValue('Two bags of coffee beans');
});

test("before the widget's module is there, its first step takes the parcel, what happened and a submit; the widget takes over all of it and files the claim", async ({ page }) => {
  const widget = await holdBack(page, /\/split_widget\.wasm$/);
  const views: string[] = [];
  await page.exposeFunction('heardView', (v: string) => views.push(v));
  await page.addInitScript(() => document.addEventListener('parcel-desk:view-change', (e) =>
    (window as unknown as { heardView: (v: string) => void }).heardView((e as CustomEvent).detail.view)));
  const form = new ClaimForm(page);
  await page.goto('/?order=ORD-1001');
  await expect(form.heading).toBeVisible();
  await expect.poll(() => widget.held.length).toBe(1);
  await expect(form.widget.locator('.pd-root[data-pd-first]')).toHaveCount(1);
  // The shop gave the order number; the customer has the tracking number.
  await expect(form.f('order_number')).toHaveValue('ORD-1001');
  await form.widget.getByRole('button', { name: form.t.use_tracking_number }).click();
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.choose('lost');
  // A tab and back: the answers stay.
  await form.widget.getByRole('button', { name: 'Track a parcel' }).click();
  await expect(form.heading).toBeHidden();
  await form.widget.getByRole('button', { name: 'Report a problem' }).click();
  await expect(form.trackingNumber).toHaveValue('PD-OWN-0003');
  // Enter in the number does not submit; the submit button waits.
  await form.trackingNumber.press('Enter');
  await expect(form.submit).toHaveText(form.t.submit);
  await form.submit.click();
  await expect(form.widget.getByRole('button', { name: form.t.submitting })).toBeDisabled();
  await form.trackingNumber.focus();
  await form.trackingNumber.evaluate((i: HTMLInputElement) => i.setSelectionRange(3, 6));

  await widget.release();
  await form.takenOver();
  // The submit that waited was made: the claim's questions are asked.
  await expect(form.banner).toContainText(form.t.err_fix_fields);
  await expect(form.f('contents_label')).toBeFocused();
  await expect(form.trackingNumber).toHaveValue('PD-OWN-0003');
  await expect(form.widget.getByLabel(form.t.situation_not_arrived)).toBeChecked();
  expect(views).toEqual([]); // back on the claim form before the widget came: no move to tell
  await form.finishLost();
});

test('the widget keeps the focus and caret of the first step, and opens the tab chosen there', async ({ page }) => {
  const widget = await holdBack(page, /\/split_widget\.wasm$/);
  const form = new ClaimForm(page);
  await page.goto('/');
  await expect(form.heading).toBeVisible();
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.trackingNumber.evaluate((i: HTMLInputElement) => i.setSelectionRange(2, 5));
  await expect.poll(() => widget.held.length).toBe(1);
  await widget.release();
  await form.takenOver();
  await expect(form.trackingNumber).toBeFocused();
  expect(await form.trackingNumber.evaluate((i: HTMLInputElement) => [i.selectionStart, i.selectionEnd])).toEqual([2, 5]);
  // Typing goes on where the caret was: over the selected "-OW".
  await page.keyboard.type('X');
  await expect(form.trackingNumber).toHaveValue('PDXN-0003');

  // A tab chosen before the widget came is the view it opens, and the
  // page hears of the move.
  widget.again();
  await page.evaluate(() => localStorage.clear());
  await page.goto('/');
  await page.evaluate(() => document.addEventListener('parcel-desk:view-change', (e) =>
    ((window as unknown as { moved: string[] }).moved ??= []).push((e as CustomEvent).detail.view)));
  await form.widget.getByRole('button', { name: 'Track a parcel' }).click();
  await expect(form.widget.getByRole('button', { name: 'Track a parcel' })).toHaveAttribute('aria-pressed', 'true');
  await widget.release();
  await expect(form.widget.getByRole('heading', { name: form.t.track_title })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { moved: string[] }).moved)).toEqual(['track']);
});

test("a widget module that cannot be loaded is said in the first step; \"Try again\" loads it and nothing typed is lost", async ({ page }) => {
  let broken = true;
  await page.route(/\/split_widget\.wasm$/, (route) => (broken ? route.abort('internetdisconnected') : route.continue()));
  const form = new ClaimForm(page);
  await page.goto('/');
  await expect(form.heading).toBeVisible();
  const alert = form.widget.getByRole('alert').filter({ hasText: form.t.err_part_not_loaded });
  await expect(alert).toBeVisible();
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.choose('lost');
  // A submit now is given up at once and "Try again" is focused.
  await form.submit.click();
  await expect(form.widget.getByRole('button', { name: form.t.retry })).toBeFocused();
  await expect(form.submit).toHaveText(form.t.submit);
  broken = false;
  await form.widget.getByRole('button', { name: form.t.retry }).click();
  await form.takenOver();
  await expect(alert).toHaveCount(0);
  await expect(form.trackingNumber).toHaveValue('PD-OWN-0003');
  await expect(form.widget.getByLabel(form.t.situation_not_arrived)).toBeChecked();
  await expect(form.f('contents_label')).toBeVisible();
});

test('before its questions have loaded, a submit checks the parcel and what happened; questions that cannot be loaded are said, and "Try again" loads them', async ({ page }) => {
  let broken = true;
  await page.route(/\/split_claim_details_view\.wasm$/, (route) =>
    broken ? route.abort('internetdisconnected') : route.continue());
  const form = new ClaimForm(page);
  await form.open();
  // Nothing chosen yet: the parcel and the situation are what is missing.
  await form.submit.click();
  await expect(form.trackingNumber).toBeFocused();
  await expect(form.trackingNumber).toHaveAttribute('aria-invalid', 'true');
  await form.trackingNumber.fill('12/34');
  await form.submit.click();
  await expect(form.widget.getByText(form.t.err_tracking_format).first()).toBeVisible();
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.choose('lost');
  // The questions could not be loaded: said in their place; a submit
  // focuses what brings them back.
  await expect(form.widget.getByRole('alert').filter({ hasText: form.t.err_part_not_loaded })).toBeVisible();
  await form.submit.click();
  await expect(form.widget.getByRole('button', { name: form.t.retry })).toBeFocused();
  broken = false;
  await form.widget.getByRole('button', { name: form.t.retry }).click();
  await form.finishLost();
});

test('a submit while the questions are still loading is answered once they are there: what is missing is said, nothing is sent', async ({ page }) => {
  const questions = await holdBack(page, /\/split_claim_details_view\.wasm$/);
  const claims: string[] = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/claims')) claims.push(r.url()); });
  const form = new ClaimForm(page);
  await form.open();
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.choose('lost');
  await expect(form.widget.getByText(`${form.t.latest_status}:`)).toBeVisible();
  await expect.poll(() => questions.held.length).toBeGreaterThan(0);
  // The parcel and what happened are fine; the questions are not here.
  await form.submit.click();
  await expect(form.f('contents_label')).toHaveCount(0);
  await questions.release();
  await expect(form.banner).toContainText(form.t.err_fix_fields);
  await expect(form.f('contents_label')).toBeFocused();
  await expect(form.f('contents_label')).toHaveAttribute('aria-invalid', 'true');
  expect(claims).toEqual([]);
});

test('a page that opens another view first loads that view at once', async ({ page }) => {
  const wasm: string[] = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname); });
  await page.goto('/?view=track');
  await expect(page.locator('parcel-desk').getByRole('heading', { name: new ClaimForm(page).t.track_title })).toBeVisible();
  expect(wasm[0]).toBe('/parcel-desk_bg.wasm');
  expect(wasm).toContain('/split_track_view.wasm');
  // The staff view is no tab: nothing loads it on a customer's page.
  expect(wasm).not.toContain('/split_staff_view.wasm');
});

test('the first step asks for the view a page opens first, and its texts, beside the widget\'s module', async ({ page }) => {
  const asked: string[] = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  const widget = await holdBack(page, /\/split_widget\.wasm$/);
  await page.goto('/?view=status', { waitUntil: 'commit' });
  await expect.poll(() => widget.held.length).toBe(1);
  // Meanwhile the first step says it is loading, as the widget then does
  // until the view's module is there.
  await expect(page.locator('parcel-desk').getByRole('status').filter({ hasText: new ClaimForm(page).t.loading })).toBeVisible();
  for (const file of ['/split_status_view.wasm', '/chunk_rest.wasm', '/split_view_texts_reader.wasm', '/i18n/en.views.json']) {
    await expect.poll(() => asked, { message: `${file} asked for while the widget's module is held` }).toContain(file);
  }
  await widget.release();
  await expect(page.locator('parcel-desk').getByRole('heading', { name: new ClaimForm(page).t.status_title })).toBeVisible();
  // Each once, however many ask.
  for (const file of ['/split_status_view.wasm', '/i18n/en.views.json']) expect(asked.filter((p) => p === file)).toHaveLength(1);
});

test('inside the claim form, the photo list and the tracking look-up arrive with their modules; nothing typed waits for them', async ({ page, browser }) => {
  const held: Route[] = [];
  let release = false;
  // (The form's questions load: only these two modules are held back.)
  await page.route(/\/split_(file_list_view|lookup_tracking)\.wasm$/, (route) => {
    if (release) return route.continue();
    held.push(route);
  });
  const lookups: string[] = [];
  page.on('request', (r) => { if (r.url().includes('/api/parcels/tracking/')) lookups.push(r.url()); });
  const form = new ClaimForm(page);
  await form.open('?claim=damage');
  await expect.poll(() => held.map((r) => new URL(r.request().url()).pathname))
    .toEqual(expect.arrayContaining(['/split_file_list_view.wasm', '/split_lookup_tracking.wasm']));
  // The form takes every answer while both modules are held back.
  await form.trackingNumber.fill('PD-TRANSIT-0001');
  await form.f('contents_label').fill('A ceramic vase');
  await form.customer();
  await expect(form.f('email')).toHaveValue('ann@example.com');
  await expect(form.widget.getByText(form.t.photos_hint)).toBeVisible();
  await page.waitForTimeout(1000);
  // No picker and no look-up yet: their code has not arrived.
  await expect(form.field('Photos of the damage')).toHaveCount(0);
  expect(lookups).toEqual([]);

  release = true;
  for (const r of held.splice(0)) await r.continue();
  // Then the look-up runs for what was typed, and a first pick uploads.
  await expect(form.widget.getByText(`${form.t.latest_status}:`)).toBeVisible();
  expect(lookups).toHaveLength(1);
  const field = form.field('Photos of the damage');
  await field.setInputFiles(await noisyJpeg(browser, 800, 600));
  await expect((await form.statusOf(field)).getByText(`: ${form.t.uploaded}`)).toHaveCount(1, { timeout: 15_000 });
  await expect(form.f('contents_label')).toHaveValue('A ceramic vase');
});

test('a module that cannot be loaded is said where its part would be, and "Try again" loads it; nothing typed is lost', async ({ page }) => {
  const broken = new Set(['split_file_list_view', 'split_track_view']);
  await page.route(/\/split_[a-z_]+\.wasm$/, (route) => {
    const name = new URL(route.request().url()).pathname.slice(1, -'.wasm'.length);
    return broken.has(name) ? route.abort('internetdisconnected') : route.continue();
  });
  const form = new ClaimForm(page);
  await form.open('?claim=damage');
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.f('contents_label').fill('A ceramic vase');
  // The photo list could not be loaded: the reason, in the photos' place.
  const photos = form.widget.getByRole('group', { name: new RegExp(`^${form.t.photos}`) });
  await expect(photos.getByRole('alert')).toContainText(form.t.err_part_not_loaded);
  await expect(form.field('Photos of the damage')).toHaveCount(0);
  // Sending now: the photos are missing, and focus goes to what brings
  // their field back.
  await form.submit.click();
  await expect(photos.getByRole('button', { name: form.t.retry }).first()).toBeFocused();
  broken.delete('split_file_list_view');
  await photos.getByRole('button', { name: form.t.retry }).first().click();
  await expect(form.field('Photos of the damage')).toBeVisible();
  await expect(photos.getByRole('alert')).toHaveCount(0);
  await expect(form.f('contents_label')).toHaveValue('A ceramic vase');

  // A view's module the same way.
  await form.widget.getByRole('button', { name: 'Track a parcel' }).click();
  await expect(form.widget.getByRole('alert')).toContainText(form.t.err_part_not_loaded);
  broken.delete('split_track_view');
  await form.widget.getByRole('button', { name: form.t.retry }).click();
  await expect(form.widget.getByRole('heading', { name: form.t.track_title })).toBeVisible();
});

test('the view texts are read by a module of their own: while it cannot be loaded the questions are said not loaded, and "Try again" brings them in full', async ({ page }) => {
  let broken = true;
  const asked: string[] = [];
  await page.route(/\/split_view_texts_reader\.wasm$/, (route) => {
    asked.push(route.request().url());
    return broken ? route.abort('internetdisconnected') : route.continue();
  });
  const form = new ClaimForm(page);
  await form.open();
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.choose('damage');
  await expect(form.widget.getByRole('alert')).toContainText(form.t.err_part_not_loaded);
  await expect(form.f('contents_label')).toHaveCount(0);
  expect(asked.length).toBeGreaterThan(0);
  broken = false;
  await form.widget.getByRole('button', { name: form.t.retry }).click();
  // The questions with their texts, and the stylesheet's rules that came
  // with them (the e-mail hint is a view text).
  await expect(form.f('contents_label')).toBeVisible();
  await expect(form.widget.getByText(form.t.email_hint)).toBeVisible();
  await expect(form.trackingNumber).toHaveValue('PD-OWN-0003');
});

test('the other views\' and the form\'s questions\' texts come with the first of their modules, in the page\'s language; texts that cannot be fetched are said, and "Try again" fetches them', async ({ page }) => {
  const fetched: string[] = [];
  let broken = true;
  await page.route(/\/i18n\/[a-z]+(\.views)?\.json$/, (route) => {
    fetched.push(new URL(route.request().url()).pathname);
    const views = route.request().url().endsWith('.views.json');
    return views && broken ? route.abort('internetdisconnected') : route.continue();
  });
  const form = new ClaimForm(page, undefined, 'de');
  await form.open('?lang=de');
  const t = form.t;
  // The claim form needs only the core texts; the view texts are asked
  // for when the page is idle, in German only.
  await expect.poll(() => fetched).toContain('/i18n/de.views.json');
  expect(fetched).toContain('/i18n/de.json');
  expect(fetched).not.toContain('/i18n/en.views.json');
  await form.trackingNumber.fill('PD-OWN-0003');
  // The questions after "what happened" need them too: said where the
  // questions would be, until they can be fetched.
  await form.widget.getByRole('radio', { name: t.situation_damaged }).check();
  await expect(form.widget.getByRole('alert')).toContainText(t.err_part_not_loaded);
  await expect(form.widget.getByRole('textbox', { name: new RegExp(`^${t.email}`) })).toHaveCount(0);

  await form.widget.getByRole('button', { name: t.nav_status }).click();
  await expect(form.widget.getByRole('alert')).toContainText(t.err_part_not_loaded);
  broken = false;
  await form.widget.getByRole('button', { name: t.retry }).click();
  await expect(form.widget.getByRole('heading', { name: t.status_title })).toBeVisible();
  await expect(form.widget.getByRole('button', { name: t.show_status })).toBeVisible();
  // Back to the claim form: what was typed is still there, and the
  // questions are shown, in German.
  await form.widget.getByRole('button', { name: t.nav_claim }).click();
  await expect(form.trackingNumber).toHaveValue('PD-OWN-0003');
  await expect(form.widget.getByRole('radio', { name: t.situation_damaged })).toBeChecked();
  await expect(form.widget.getByRole('textbox', { name: new RegExp(`^${t.email}`) })).toBeVisible();
  await expect(form.widget.getByRole('group', { name: t.you_legend })).toBeVisible();
});

test('the stylesheet\'s rules for what only the modules render come with their texts, into the one shared sheet', async ({ page }) => {
  let held = true;
  await page.route(/\/i18n\/[a-z]+\.views\.json$/, (route) => (held ? route.abort('internetdisconnected') : route.continue()));
  // The selectors of the widget's one adopted stylesheet.
  const selectors = () => page.evaluate(() => {
    const sheets = document.querySelector('parcel-desk')!.shadowRoot!.adoptedStyleSheets;
    const all: string[] = [];
    const walk = (rules: CSSRuleList) => {
      for (const r of Array.from(rules)) {
        if (r instanceof CSSStyleRule) all.push(r.selectorText);
        else if (r instanceof CSSMediaRule) walk(r.cssRules);
      }
    };
    sheets.forEach((s) => walk(s.cssRules));
    return { sheets: sheets.length, selectors: all };
  });
  const form = new ClaimForm(page);
  await form.open();
  // The shell's rules: the form's, not the tracking timeline's.
  const shell = await selectors();
  expect(shell.sheets).toBe(1);
  expect(shell.selectors).toContain('.pd-form');
  expect(shell.selectors.some((s) => s.includes('.pd-timeline'))).toBe(false);
  await expect(form.submit).toHaveCSS('min-height', '48px');

  held = false;
  await form.widget.getByRole('button', { name: 'Track a parcel' }).click();
  await form.widget.getByLabel(/^Tracking number/).fill('PD-DELIVERED-0002');
  await form.widget.getByRole('button', { name: 'Track', exact: true }).click();
  // The timeline's rule applies (a line down its left side).
  const timeline = form.widget.getByRole('list').filter({ hasText: 'Delivery attempted' });
  await expect(timeline).toHaveCSS('border-left-style', 'solid');
  const complete = await selectors();
  expect(complete.sheets).toBe(1);
  expect(complete.selectors).toContain('.pd-timeline');
  // Every rule of the shell is still there, in the same order.
  expect(complete.selectors.filter((s) => shell.selectors.includes(s))).toEqual(shell.selectors);
  // The claim form keeps its look.
  await form.widget.getByRole('button', { name: form.t.nav_claim }).click();
  await expect(form.submit).toHaveCSS('min-height', '48px');
});

test('the draft is kept by a module of its own: what is typed before it arrives is kept once it does; a stored draft is restored before the form shows; a module that cannot be loaded leaves the stored draft as it was', async ({ page }) => {
  let mode: 'hold' | 'load' | 'broken' = 'hold';
  const held: Route[] = [];
  await page.route(/\/split_claim_draft\.wasm$/, (route) => {
    if (mode === 'hold') held.push(route);
    else if (mode === 'broken') route.abort('internetdisconnected');
    else route.continue();
  });
  const stored = () => page.evaluate(() =>
    Object.entries(localStorage).filter(([k]) => k.startsWith('parcel-desk:draft:')).map(([, v]) => v).join('\n'));
  const form = new ClaimForm(page);
  await form.open();
  // The form does not wait for the draft's module when there is no draft.
  await form.trackingNumber.fill('PD-OWN-0003');
  await form.choose('lost');
  await expect.poll(() => held.length).toBe(1);
  expect(await stored()).toBe('');
  // Once it is there, what was typed before is kept, and the form is
  // the same form: the field being typed in keeps its focus.
  await form.trackingNumber.focus();
  mode = 'load';
  for (const r of held.splice(0)) await r.continue();
  await expect.poll(stored).toContain('PD-OWN-0003');
  await page.waitForTimeout(100);
  await expect(form.trackingNumber).toBeFocused();

  // A reload with a stored draft: the form shows once it is restored.
  mode = 'hold';
  await page.reload();
  await expect.poll(() => held.length).toBe(1);
  await page.waitForTimeout(300);
  await expect(form.trackingNumber).toHaveCount(0);
  await expect(form.widget.getByRole('status').filter({ hasText: form.t.loading })).toBeVisible();
  mode = 'load';
  for (const r of held.splice(0)) await r.continue();
  await expect(form.trackingNumber).toHaveValue('PD-OWN-0003');
  await expect(form.widget.getByRole('radio', { name: form.t.situation_not_arrived })).toBeChecked();
  await expect(form.widget.getByRole('status').filter({ hasText: form.t.draft_restored })).toBeVisible();

  // The module cannot be loaded: the form shows without the draft, and
  // the draft in storage stays as it was for the next visit.
  mode = 'broken';
  await page.reload();
  await expect(form.trackingNumber).toHaveValue('');
  // ... and says so, with a "Try again".
  const notLoaded = form.widget.getByRole('status').filter({ hasText: form.t.draft_not_loaded });
  await expect(notLoaded).toBeVisible();
  await expect(notLoaded.getByRole('button', { name: form.t.retry })).toBeVisible();
  await form.trackingNumber.fill('PD-OWN-0004');
  await page.waitForTimeout(300);
  expect(await stored()).toContain('PD-OWN-0003');
  // A submit tries the module again; it does not overwrite what was typed
  // since, and keeps that instead.
  mode = 'load';
  await form.submit.click();
  await expect.poll(stored).toContain('PD-OWN-0004');
  await expect(form.trackingNumber).toHaveValue('PD-OWN-0004');
  await expect(notLoaded).toHaveCount(0);

  // Its "Try again" restores the draft into a form nothing was typed into.
  mode = 'broken';
  await page.reload();
  await expect(notLoaded).toBeVisible();
  mode = 'load';
  await notLoaded.getByRole('button', { name: form.t.retry }).click();
  await expect(form.trackingNumber).toHaveValue('PD-OWN-0004');
  await expect(form.widget.getByRole('status').filter({ hasText: form.t.draft_restored })).toBeVisible();
  await expect(notLoaded).toHaveCount(0);
});

test('a stored draft: its module is fetched beside the widget\'s, not once the widget is there', async ({ page }) => {
  const stored = () => page.evaluate(() =>
    Object.entries(localStorage).filter(([k]) => k.startsWith('parcel-desk:draft:')).map(([, v]) => v).join('\n'));
  const form = new ClaimForm(page);
  await form.open();
  await form.trackingNumber.fill('PD-OWN-0005');
  await expect.poll(stored).toContain('PD-OWN-0005');
  // The widget's module is held back: the first step, which saw the
  // stored draft, has asked for the draft's module all the same.
  const widget = await holdBack(page, /\/split_widget\.wasm$/);
  const draftModule = page.waitForRequest(/\/split_claim_draft\.wasm$/);
  await page.reload({ waitUntil: 'commit' });
  await draftModule;
  await expect.poll(() => widget.held.length).toBe(1);
  await widget.release();
  await expect(form.trackingNumber).toHaveValue('PD-OWN-0005');
  await expect(form.widget.getByRole('status').filter({ hasText: form.t.draft_restored })).toBeVisible();
});
