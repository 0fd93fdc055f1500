// The browser half of `make bench`, in Debian's headless Chromium through
// Playwright (e2e/node_modules; no browser download):
//
//   start-up  from the script tag to an interactive claim form, 4x CPU
//             throttling and Fast 3G (CDP), cache disabled, a fresh browser
//             context per load, builds interleaved round by round
//   tabs      the full build (split per view): once the tracking view's
//             module has been prefetched, the time from a click on its tab
//             to its input being there, same throttling (issue 17)
//   photo     a 12-megapixel noisy JPEG through the widget's real upload
//             path: `change` on the "Photos of the damage" input until the
//             XMLHttpRequest `send` of the prepared file
//
// usage: node bench/browser.mjs BASE_URL RESULTS_DIR
// Writes RESULTS_DIR/startup.json, tabs.json and photo.json.
import { chromium } from '../e2e/node_modules/playwright-core/index.mjs';
import * as fs from 'node:fs';
import * as path from 'node:path';

const [base, results] = process.argv.slice(2);
const LOADS = Number(process.env.BENCH_LOADS ?? 11);
const PHOTO_RUNS = Number(process.env.BENCH_PHOTO_RUNS ?? 5);
const WORK = path.resolve(results, '..');

// Chrome DevTools' "Fast 3G" preset: 150 ms RTT x 3.75 = 562.5 ms latency,
// 1.6 Mbit/s down and 750 kbit/s up, each x 0.9 for packet overhead.
export const FAST_3G = {
  offline: false,
  latency: 562.5,
  downloadThroughput: (1.6 * 1000 * 1000) / 8 * 0.9, // 180,000 bytes/s
  uploadThroughput: (750 * 1000) / 8 * 0.9, // 84,375 bytes/s
  connectionType: 'cellular3g',
};
const CPU_THROTTLING = 4;

// BENCH_BUILDS (e.g. `full,claim`) measures only those builds.
const ONLY = process.env.BENCH_BUILDS?.split(',');
const BUILDS = [
  { name: 'full', url: '/', host: 'parcel-desk', input: '#tracking_number', script: 'script[src*="parcel-desk-element.js"]' },
  { name: 'claim', url: '/claim/', host: 'parcel-desk', input: '#tracking_number', script: 'script[src*="parcel-desk-element.js"]' },
  { name: 'react', url: '/react/', host: null, input: '#tracking_number', script: 'script[type="module"][src*="assets/"]' },
].filter((b) => !ONLY || ONLY.includes(b.name));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

// Runs in the page before any of its scripts: notes when the parser meets
// the script tag, then polls (every 5 ms) for the claim form's first input;
// ready = it exists and takes focus.
function readiness(spec) {
  const b = (window.__bench = { script: null, ready: null, widget: null, bytes: null });
  const mo = new MutationObserver(() => {
    if (b.script === null && document.querySelector(spec.script)) {
      b.script = performance.now();
      mo.disconnect();
    }
  });
  mo.observe(document, { childList: true, subtree: true });
  const tick = () => {
    const root = spec.host ? document.querySelector(spec.host)?.shadowRoot : document;
    const input = root?.querySelector(spec.input);
    if (input && b.ready === null) {
      input.focus();
      if (root.activeElement === input) {
        b.ready = performance.now();
        // What had arrived by then (resources still loading are not counted).
        b.bytes = performance.getEntriesByType('resource').reduce((s, e) => s + e.transferSize, 0);
      }
    }
    // The widget builds: the widget has replaced the claim form's first
    // step (plain HTML, whose root carries data-pd-first).
    if (b.ready !== null && (!spec.host || root.querySelector('.pd-root:not([data-pd-first])'))) {
      b.widget = performance.now();
      return;
    }
    setTimeout(tick, 5);
  };
  tick();
}

async function throttledPage(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', FAST_3G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLING });
  return page;
}

async function loadOnce(build, check) {
  const context = await browser.newContext();
  try {
    const page = await throttledPage(context);
    await page.addInitScript(readiness, build);
    const encodings = {};
    page.on('response', async (r) => {
      const u = new URL(r.url());
      if (/\.(wasm|js|css)$/.test(u.pathname)) encodings[u.pathname] = (await r.allHeaders())['content-encoding'] ?? 'identity';
    });
    await page.goto(base + build.url, { waitUntil: 'commit', timeout: 60_000 });
    await page.waitForFunction(() => window.__bench.ready !== null, null, { timeout: 60_000, polling: 50 });
    const b = await page.evaluate(() => window.__bench);
    const load = { script_ms: b.script, ready_ms: b.ready, from_script_ms: b.ready - b.script, transferred: b.bytes };
    if (build.host) {
      await page.waitForFunction(() => window.__bench.widget !== null, null, { timeout: 60_000, polling: 50 });
      load.widget_from_script_ms = (await page.evaluate(() => window.__bench.widget)) - b.script;
    }
    if (check) {
      // "able to validate": submitting the empty form marks the tracking
      // number invalid (checked on the first measured load, untimed).
      const root = build.host ? page.locator(build.host) : page.locator('body');
      await root.getByRole('button', { name: /Submit claim/ }).click();
      await root.locator('#tracking_number[aria-invalid="true"]').waitFor({ timeout: 30_000 });
      load.validates = true;
      load.encodings = encodings;
    }
    return load;
  } finally {
    await context.close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function startup() {
  const loads = Object.fromEntries(BUILDS.map((b) => [b.name, []]));
  const checks = {};
  // One unmeasured round warms the server, the OS page cache and Chromium.
  for (const b of BUILDS) await loadOnce(b, false).catch(() => {});
  for (let i = 0; i < LOADS; i++) {
    for (const b of BUILDS) {
      try {
        const l = await loadOnce(b, i === 0);
        if (i === 0) checks[b.name] = { validates: l.validates, encodings: l.encodings };
        loads[b.name].push(l);
      } catch (e) {
        console.error(`start-up ${b.name} load ${i}: ${e.message.split('\n')[0]}`);
      }
    }
    process.stdout.write(`  start-up round ${i + 1}/${LOADS}: ${BUILDS.map((b) => `${b.name} ${Math.round(loads[b.name].at(-1)?.from_script_ms ?? NaN)} ms`).join(', ')}\n`);
  }
  const out = {
    conditions: { cpu_throttling: CPU_THROTTLING, network: FAST_3G, cache_disabled: true, loads: LOADS },
    builds: {},
  };
  for (const b of BUILDS) {
    const ls = loads[b.name];
    if (!ls.length) continue;
    out.builds[b.name] = {
      from_script_ms: median(ls.map((l) => l.from_script_ms)),
      from_navigation_ms: median(ls.map((l) => l.ready_ms)),
      min_ms: Math.min(...ls.map((l) => l.from_script_ms)),
      max_ms: Math.max(...ls.map((l) => l.from_script_ms)),
      transferred_bytes: median(ls.map((l) => l.transferred)),
      n: ls.length,
      ...checks[b.name],
      samples_ms: ls.map((l) => Math.round(l.from_script_ms)),
      ...(ls.some((l) => l.widget_from_script_ms !== undefined)
        ? { widget_from_script_ms: median(ls.map((l) => l.widget_from_script_ms)) } : {}),
    };
  }
  fs.writeFileSync(path.join(results, 'startup.json'), JSON.stringify(out, null, 2));
}

// Issue 17: another view after its tab is clicked, once prefetched. The
// full build loads the other views' modules when the browser is idle after
// the claim form; wait for the tracking view's module and the chunk every
// module after the widget needs (chunk_rest.wasm, fetched with the first
// of them), then click its tab.
async function tabs() {
  const runs = [];
  for (let i = 0; i < Math.max(3, Math.min(LOADS, 7)); i++) {
    const context = await browser.newContext();
    try {
      const page = await throttledPage(context);
      await page.goto(`${base}/`, { waitUntil: 'commit', timeout: 60_000 });
      const host = page.locator('parcel-desk');
      await host.locator('#tracking_number').waitFor({ timeout: 60_000 });
      await page.waitForFunction(() => ['/split_track_view.wasm', '/chunk_rest.wasm'].every((f) => performance
        .getEntriesByType('resource').some((e) => e.name.endsWith(f) && e.responseEnd > 0)), null, { timeout: 60_000, polling: 50 });
      // Instantiating it is part of the prefetch too.
      await page.waitForTimeout(500);
      const ms = await host.evaluate((el) => new Promise((resolve, reject) => {
        const root = el.shadowRoot;
        const tab = [...root.querySelectorAll('button.pd-tab')].find((b) => /track/i.test(b.textContent));
        if (!tab) return reject(new Error('no tracking tab'));
        const t0 = performance.now();
        tab.click();
        const tick = () => (root.querySelector('#track_number') ? resolve(performance.now() - t0) : setTimeout(tick, 2));
        tick();
      }));
      runs.push(ms);
      process.stdout.write(`  tab run ${i + 1}: ${Math.round(ms)} ms\n`);
    } catch (e) {
      console.error(`tab run ${i}: ${e.message.split('\n')[0]}`);
    } finally {
      await context.close();
    }
  }
  const out = { n: runs.length, view: 'track' };
  if (runs.length) {
    out.ms = median(runs);
    out.samples_ms = runs.map(Math.round);
  }
  fs.writeFileSync(path.join(results, 'tabs.json'), JSON.stringify(out, null, 2));
}

// The 12-megapixel photo: noise (the worst case for JPEG, like a detailed
// phone photo) encoded by Chromium's own encoder at quality 0.95 — the
// generator of e2e/pages/photos.ts. Made once, kept in bench/work/.
async function noisyJpeg(width = 4000, height = 3000) {
  const file = path.join(WORK, `photo-${width}x${height}.jpg`);
  if (fs.existsSync(file)) return file;
  const page = await browser.newPage();
  const base64 = await page.evaluate(async ([w, h]) => {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    const img = ctx.createImageData(w, h);
    let seed = 42;
    for (let i = 0; i < img.data.length; i += 4) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const n = seed >>> 24;
      img.data[i] = (((i / 4) % w) * 200 / w) ^ (n >> 2);
      img.data[i + 1] = n;
      img.data[i + 2] = 255 - (n >> 1);
      img.data[i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    const blob = await new Promise((r) => canvas.toBlob((b) => r(b), 'image/jpeg', 0.95));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, [width, height]);
  await page.close();
  fs.writeFileSync(file, Buffer.from(base64, 'base64'));
  return file;
}

// Records every XMLHttpRequest.send with a FormData body: when, and the
// size of each Blob in it.
function recordSends() {
  window.__sends = [];
  window.__change = null;
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (body) {
    if (body instanceof FormData) {
      const sizes = [];
      for (const [, v] of body.entries()) if (v instanceof Blob) sizes.push(v.size);
      window.__sends.push({ t: performance.now(), sizes });
    }
    return send.call(this, body);
  };
}

async function photo() {
  const file = await noisyJpeg();
  const runs = [];
  for (let i = 0; i < PHOTO_RUNS; i++) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.addInitScript(recordSends);
      await page.goto(`${base}/?claim=damage`);
      const field = page.locator('parcel-desk').getByLabel(/^Photos of the damage( \*)?$/);
      await field.waitFor({ state: 'attached', timeout: 30_000 });
      // The first of `input` / `change` on the file input itself (these
      // events do not leave the shadow root).
      await field.evaluate((el) => {
        const mark = () => { window.__change ??= performance.now(); };
        el.addEventListener('input', mark, { capture: true });
        el.addEventListener('change', mark, { capture: true });
      });
      await field.setInputFiles(file);
      await page.waitForFunction(() => window.__sends.length > 0, null, { timeout: 60_000, polling: 10 });
      const r = await page.evaluate(() => ({ change: window.__change, send: window.__sends[0] }));
      runs.push({ ms: r.send.t - r.change, bytes: Math.max(...r.send.sizes) });
      process.stdout.write(`  photo run ${i + 1}/${PHOTO_RUNS}: ${Math.round(runs.at(-1).ms)} ms, ${runs.at(-1).bytes} bytes\n`);
    } catch (e) {
      console.error(`photo run ${i}: ${e.message.split('\n')[0]}`);
    } finally {
      await context.close();
    }
  }
  const out = {
    input_bytes: fs.statSync(file).size,
    width: 4000,
    height: 3000,
    n: runs.length,
  };
  if (runs.length) {
    out.ms = median(runs.map((r) => r.ms));
    out.bytes = median(runs.map((r) => r.bytes));
    out.samples = runs.map((r) => ({ ms: Math.round(r.ms), bytes: r.bytes }));
  }
  fs.writeFileSync(path.join(results, 'photo.json'), JSON.stringify(out, null, 2));
}

let failed = false;
for (const [name, fn] of [['start-up', startup], ['tabs', tabs], ['photo', photo]]) {
  if (process.env.BENCH_ONLY && !process.env.BENCH_ONLY.split(',').includes(name)) continue;
  try {
    await fn();
  } catch (e) {
    failed = true;
    console.error(`${name}: ${e.stack}`);
  }
}
await browser.close();
process.exit(failed ? 1 : 0);
