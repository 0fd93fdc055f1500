// Turns bench/work/results/* into bench/report.md, bench/report.json and a
// table on stdout. Every figure sits beside its budget; ratios are taken
// against the comparison measured in the same run.
//
// usage: node bench/report.mjs ROOT RESULTS_DIR ELAPSED_SECONDS
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

const [root, results, elapsed] = process.argv.slice(2);
const read = (name) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(results, name), 'utf8'));
  } catch {
    return null;
  }
};
const text = (name) => {
  try {
    return fs.readFileSync(path.join(results, name), 'utf8');
  } catch {
    return null;
  }
};
const version = (cmd, args = ['--version']) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')[0];
  } catch {
    return 'n/a';
  }
};

// Units: KB = 1000 bytes, MB (transfer, photo) = 1,000,000 bytes; memory
// in MiB (VmHWM is counted in KiB).
const KB = 1000;
const BUDGET = {
  full_brotli_bytes: 100 * KB,
  claim_vs_react_brotli: 0.55,
  startup_ms: 1500,
  startup_vs_react: 1.0,
  photo_bytes: 1_500_000,
  photo_ms: 1000,
  added_p50_ms: 1,
  added_p99_ms: 5,
  rss_mib: 64,
  // Issue 17 (the widget split per view).
  first_full_vs_react_brotli: 0.6,
  first_claim_vs_react_brotli: 0.5,
  startup17_ms: 1200,
  startup17_vs_react: 0.8,
  all_modules_brotli_bytes: 199_700,
};

// --- sizes ---------------------------------------------------------------
const sizes = { full: { parts: [] }, claim: { parts: [] }, react: { parts: [] }, views: { parts: [] }, claimlater: { parts: [] }, widgetfull: { parts: [] }, widgetclaim: { parts: [] } };
const tsv = text('sizes.tsv');
if (tsv) {
  for (const line of tsv.trim().split('\n')) {
    const [build, part, raw, gzip, brotli] = line.split('\t');
    sizes[build].parts.push({ part, raw: +raw, gzip: +gzip, brotli: +brotli });
  }
}
for (const s of Object.values(sizes)) {
  s.total = s.parts.reduce((t, p) => ({ raw: t.raw + p.raw, gzip: t.gzip + p.gzip, brotli: t.brotli + p.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  if (!s.parts.length) s.total = null;
}
const startup = read('startup.json');
const photo = read('photo.json');
const proxy = read('proxy.json');
const steps = (text('steps.log') ?? '').trim().split('\n').filter(Boolean).map((l) => {
  const [name, status, secs] = l.split(' ');
  return { name, status, seconds: +secs };
});

// --- rows ----------------------------------------------------------------
const rows = [];
const num = (x) => typeof x === 'number' && Number.isFinite(x);
// status: PASS / MISS for budgets, INFO for figures without one, N/M when not measured
function row(id, what, value, unit, budgetText, pass, ratio = null, ratioOf = null) {
  const measured = num(value);
  rows.push({
    id,
    what,
    value: measured ? value : null,
    unit,
    budget: budgetText,
    ratio: num(ratio) ? ratio : null,
    ratio_of: ratioOf,
    status: !measured ? 'N/M' : pass === null ? 'INFO' : pass ? 'PASS' : 'MISS',
  });
}
const br = (b) => sizes[b].total?.brotli;
const ratio = (a, b) => (num(a) && num(b) && b !== 0 ? a / b : null);

for (const [b, label] of [['full', 'full widget'], ['claim', 'claim-only widget'], ['react', 'React + Uppy']]) {
  const t = sizes[b].total;
  row(`size.${b}.raw`, `transfer size, ${label}, raw`, t?.raw, 'bytes', '', null, b === 'react' ? null : ratio(t?.raw, sizes.react.total?.raw), 'React + Uppy raw');
  row(`size.${b}.gzip`, `transfer size, ${label}, gzip -9`, t?.gzip, 'bytes', '', null, b === 'react' ? null : ratio(t?.gzip, sizes.react.total?.gzip), 'React + Uppy gzip');
  const budget = b === 'full' ? '≤ 100 KB' : b === 'claim' ? '≤ 0.55× React + Uppy' : '';
  const pass = b === 'full' ? br('full') <= BUDGET.full_brotli_bytes
    : b === 'claim' ? ratio(br('claim'), br('react')) <= BUDGET.claim_vs_react_brotli : null;
  row(`size.${b}.brotli`, `transfer size, ${label}, brotli -q 11`, t?.brotli, 'bytes', budget, num(t?.brotli) ? pass : null,
    b === 'react' ? null : ratio(t?.brotli, br('react')), 'React + Uppy brotli');
}

// Issue 17: what loads before the claim form is usable is the full build's
// total above (the shell and the claim view; the other views are split off).
row('first.full', 'bytes before the claim form is usable, full widget (brotli)', br('full'), 'bytes', '≤ 0.6× React + Uppy',
  num(br('full')) ? ratio(br('full'), br('react')) <= BUDGET.first_full_vs_react_brotli : null, ratio(br('full'), br('react')), 'React + Uppy brotli');
row('first.claim', 'bytes before the claim form is usable, claim-only widget (brotli)', br('claim'), 'bytes', '≤ 0.5× React + Uppy',
  num(br('claim')) ? ratio(br('claim'), br('react')) <= BUDGET.first_claim_vs_react_brotli : null, ratio(br('claim'), br('react')), 'React + Uppy brotli');
{
  const views = sizes.views.total?.brotli;
  const all = num(views) && num(br('full')) ? views + br('full') : null;
  row('views.brotli', 'the modules loaded later (other views, the claim form\'s questions, photo list and tracking look-up), full widget (brotli, sum)', views, 'bytes', '', null);
  row('claimlater.brotli', 'the modules loaded later (the claim form\'s questions, photo list and tracking look-up), claim-only widget (brotli, sum)', sizes.claimlater.total?.brotli, 'bytes', '', null);
  row('views.all', 'full widget, every module and script (brotli, sum)', all, 'bytes', '≤ 199.7 KB',
    num(all) ? all <= BUDGET.all_modules_brotli_bytes : null);
  // The split builds show the claim form's first step in plain HTML, then
  // fetch the widget's module (Leptos, the form's code) and its chunks at
  // once: a submit before they are there waits for them.
  row('widget.full', 'of those, fetched right after the first step: the widget\'s module and its chunks, full widget (brotli, sum)', sizes.widgetfull.total?.brotli, 'bytes', '', null);
  row('widget.claim', 'the same, claim-only widget (brotli, sum)', sizes.widgetclaim.total?.brotli, 'bytes', '', null);
}

const su = startup?.builds ?? {};
for (const [b, label] of [['full', 'full widget'], ['claim', 'claim-only widget'], ['react', 'React + Uppy']]) {
  const v = su[b]?.from_script_ms;
  const r = b === 'react' ? null : ratio(v, su.react?.from_script_ms);
  const pass = b === 'react' ? null : v <= BUDGET.startup_ms && num(r) && r <= BUDGET.startup_vs_react;
  row(`startup.${b}`, `start-up to interactive form, ${label} (median, 4× CPU, Fast 3G)`, v, 'ms',
    b === 'react' ? '' : '≤ 1500 ms and ≤ 1.0× React + Uppy', pass, r, 'React + Uppy start-up');
}
for (const [b, label] of [['full', 'full widget'], ['claim', 'claim-only widget']]) {
  const v = su[b]?.from_script_ms;
  const r = ratio(v, su.react?.from_script_ms);
  row(`startup17.${b}`, `start-up to interactive claim form, ${label} (issue 17)`, v, 'ms', '≤ 1200 ms and ≤ 0.8× React + Uppy',
    num(v) ? v <= BUDGET.startup17_ms && num(r) && r <= BUDGET.startup17_vs_react : null, r, 'React + Uppy start-up');
}
for (const [b, label] of [['full', 'full widget'], ['claim', 'claim-only widget']]) {
  row(`widgetready.${b}`, `start-up to the widget replacing the first step (a submit does its whole work from then), ${label} (median, 4× CPU, Fast 3G)`,
    su[b]?.widget_from_script_ms, 'ms', '', null, ratio(su[b]?.widget_from_script_ms, su.react?.from_script_ms), 'React + Uppy start-up');
}
const tabs = read('tabs.json');
row('tab.prefetched', 'another view (tracking) there after its tab is clicked, once prefetched (median, 4× CPU, Fast 3G; issue 17)',
  tabs?.ms, 'ms', '≤ 300 ms', tabs?.ms <= 300);

row('photo.bytes', 'photo pipeline: 12 MP JPEG prepared, output size (median)', photo?.bytes, 'bytes', '≤ 1.5 MB',
  photo?.bytes <= BUDGET.photo_bytes, ratio(photo?.bytes, photo?.input_bytes), 'the input JPEG');
row('photo.ms', 'photo pipeline: change → XHR send (median, unthrottled)', photo?.ms, 'ms', '≤ 1000 ms', photo?.ms <= BUDGET.photo_ms);

row('proxy.direct.rps', 'sandbox direct: requests/s at 500/s offered', proxy?.direct.requests_per_sec, 'req/s', '', null);
row('proxy.proxy.rps', 'through the proxy: requests/s at 500/s offered', proxy?.proxy.requests_per_sec, 'req/s', '', null,
  ratio(proxy?.proxy.requests_per_sec, proxy?.direct.requests_per_sec), 'sandbox direct');
row('proxy.direct.p50', 'sandbox direct: latency p50', proxy?.direct.p50_ms, 'ms', '', null);
row('proxy.direct.p99', 'sandbox direct: latency p99', proxy?.direct.p99_ms, 'ms', '', null);
row('proxy.proxy.p50', 'through the proxy: latency p50', proxy?.proxy.p50_ms, 'ms', '', null, ratio(proxy?.proxy.p50_ms, proxy?.direct.p50_ms), 'sandbox direct p50');
row('proxy.proxy.p99', 'through the proxy: latency p99', proxy?.proxy.p99_ms, 'ms', '', null, ratio(proxy?.proxy.p99_ms, proxy?.direct.p99_ms), 'sandbox direct p99');
row('proxy.added.p50', 'proxy: added latency p50', proxy?.added_p50_ms, 'ms', '≤ 1 ms', proxy?.added_p50_ms <= BUDGET.added_p50_ms);
row('proxy.added.p99', 'proxy: added latency p99', proxy?.added_p99_ms, 'ms', '≤ 5 ms', proxy?.added_p99_ms <= BUDGET.added_p99_ms);
for (const [key, cl, label, goal] of [['claims', proxy?.claims, 'SQLite', 500], ['claims_pg', proxy?.claims_postgres, 'PostgreSQL', 1000]]) {
  row(`proxy.${key}.rps`, `claims accepted/s into ${label} at ${cl?.offered_per_sec ?? 1000}/s offered`, cl?.requests_per_sec, 'req/s', `≥ ${goal}`, cl ? cl.requests_per_sec >= goal && cl.success_rate === 1 : null);
  row(`proxy.${key}.p50`, `claim accept latency p50 (${label})`, cl?.p50_ms, 'ms', '', null);
  row(`proxy.${key}.p99`, `claim accept latency p99 (${label})`, cl?.p99_ms, 'ms', '≤ 20 ms', cl ? cl.p99_ms <= 20 : null);
  row(`proxy.${key}.rss`, `proxy RSS during the claim load on ${label}, max (first ${cl?.rss_first_kb ?? '?'} KB, last ${cl?.rss_last_kb ?? '?'} KB)`, cl?.rss_max_kb, 'KB', '', null);
}
for (const [name, label] of [['sqlite', 'SQLite'], ['postgres', 'PostgreSQL']]) {
  const b = proxy?.burst?.[name];
  const drained = b && b.tickets === b.claims;
  row(`proxy.burst.${name}`, `200-claim burst drained at 15 per 1 s window (${label}; ${b ? `${b.upstream_429} upstream 429, ${b.tickets} tickets, RSS ${b.rss_start_kb}→${b.rss_max_kb} KB` : 'not run'})`,
    b?.drained_in_s, 's', '≥ 13.3 s, 0 × 429', b ? drained && b.upstream_429 === 0 && b.drained_in_s >= 13.3 : null);
}
const up = proxy?.uploads;
const uploadsOk = up && (up.status?.['201'] ?? 0) === up.concurrent;
row('proxy.rss', `proxy: peak RSS, ${up?.concurrent ?? 50} concurrent 6 MB uploads${up && !uploadsOk ? ' (NOT all 201!)' : ''}`,
  up ? up.rss_peak_kb / 1024 : null, 'MiB', '≤ 64 MB', up ? up.rss_peak_kb / 1024 <= BUDGET.rss_mib : null);

// --- output --------------------------------------------------------------
const fmt = (r) => {
  if (r.value === null) return 'not measured';
  const v = r.value;
  if (r.unit === 'bytes') return `${v.toLocaleString('en-US')} B (${(v / KB).toFixed(1)} KB)`;
  if (r.unit === 'ms') return `${v.toFixed(Math.abs(v) < 10 ? 3 : 0)} ms`;
  if (r.unit === 'req/s') return `${v.toFixed(1)} req/s`;
  if (r.unit === 'MiB') return `${v.toFixed(1)} MiB`;
  return String(v);
};
const fmtRatio = (r) => (r.ratio === null ? '' : `${r.ratio.toFixed(3)}×`);

const machine = {
  cores: Number(version('nproc', [])),
  chromium: version('/usr/bin/chromium'),
  node: process.version,
  oha: version('oha'),
  rustc: version('rustc'),
};
const head = (() => {
  try {
    return execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
      + (execFileSync('git', ['-C', root, 'status', '--porcelain', '--', 'src', 'Cargo.toml', 'Cargo.lock', 'proxy', 'wire', 'js', 'style'], { encoding: 'utf8' }).trim() ? ' (+ uncommitted changes)' : '');
  } catch {
    return 'n/a';
  }
})();

const json = {
  generated_at: new Date().toISOString(),
  commit: head,
  elapsed_seconds: Number(elapsed),
  machine,
  units: { KB: 1000, MB_transfer_and_photo: 1_000_000, memory: 'MiB (1024 × 1024 bytes)' },
  budgets: BUDGET,
  rows,
  steps,
  details: { sizes, startup, photo, proxy },
};
fs.writeFileSync(path.join(root, 'bench', 'report.json'), JSON.stringify(json, null, 2) + '\n');

const md = [];
md.push('# parcel-desk benchmark report', '');
md.push(`Generated by \`make bench\` on ${json.generated_at} at commit ${head}, in ${elapsed} s `
  + `(${machine.cores} cores; ${machine.chromium}; node ${machine.node}; ${machine.oha}; ${machine.rustc}). `
  + 'Budgets are from issue 7; ratios are against the comparison measured in the same run. '
  + 'KB = 1000 bytes, MB = 1,000,000 bytes, memory in MiB. How each figure is taken: `bench/README.md`.', '');
md.push('| figure | value | budget | ratio | vs. | status |', '|---|---:|---|---:|---|---|');
for (const r of rows) md.push(`| ${r.what} | ${fmt(r)} | ${r.budget} | ${fmtRatio(r)} | ${r.ratio !== null ? r.ratio_of : ''} | ${r.status} |`);
md.push('');

md.push('## Transfer size per part', '', 'What a shop page downloads for the widget (our CSS is compiled into the wasm), and every JS and CSS file the React + Uppy build ships.', '');
md.push('| build | part | raw | gzip -9 | brotli -q 11 |', '|---|---|---:|---:|---:|');
for (const [b, label] of [['full', 'full widget'], ['views', 'full widget, loaded later'], ['widgetfull', 'full widget, of those right after the first step'], ['claim', 'claim-only widget'], ['claimlater', 'claim-only widget, loaded later'], ['widgetclaim', 'claim-only widget, of those right after the first step'], ['react', 'React + Uppy']]) {
  for (const p of sizes[b].parts) md.push(`| ${label} | ${p.part} | ${p.raw} | ${p.gzip} | ${p.brotli} |`);
  if (sizes[b].total) md.push(`| **${label}** | **total** | **${sizes[b].total.raw}** | **${sizes[b].total.gzip}** | **${sizes[b].total.brotli}** |`);
}
md.push('');

if (startup) {
  const n = startup.conditions.network;
  md.push('## Start-up', '',
    `Headless Chromium, CPU throttled ${startup.conditions.cpu_throttling}× (\`Emulation.setCPUThrottlingRate\`), `
    + `network \`Network.emulateNetworkConditions\` latency ${n.latency} ms, down ${n.downloadThroughput} B/s `
    + `(1.6 Mbit/s × 0.9), up ${n.uploadThroughput} B/s (750 kbit/s × 0.9) — DevTools' Fast 3G; cache disabled, `
    + `a fresh context per load, builds interleaved, one unmeasured warm-up round, ${startup.conditions.loads} loads each. `
    + 'Time from the parser reaching the script tag to the tracking-number input existing (in the shadow root for the widget) and taking focus; '
    + 'the first load of each build then submits the empty form and waits for the tracking number to be marked invalid.', '');
  md.push('The widget builds show the claim form\'s first step in plain HTML while the widget\'s module loads: "widget there" is from the script tag to the widget having replaced it (its root without `data-pd-first`), '
    + 'and "transferred" counts what the page had downloaded when the form took focus.', '');
  md.push('| build | median from script tag | median from navigation | min | max | transferred (median) | widget there (median) | validates | encodings | samples (ms) |',
    '|---|---:|---:|---:|---:|---:|---:|---|---|---|');
  for (const [b, s] of Object.entries(startup.builds)) {
    const enc = [...new Set(Object.values(s.encodings ?? {}))].join(', ');
    const widget = num(s.widget_from_script_ms) ? `${Math.round(s.widget_from_script_ms)} ms` : '';
    md.push(`| ${b} | ${Math.round(s.from_script_ms)} ms | ${Math.round(s.from_navigation_ms)} ms | ${Math.round(s.min_ms)} | ${Math.round(s.max_ms)} | ${s.transferred_bytes} B | ${widget} | ${s.validates ? 'yes' : 'not checked'} | ${enc} | ${s.samples_ms.join(' ')} |`);
  }
  md.push('');
}
if (photo) {
  md.push('## Photo pipeline', '',
    `Input: ${photo.width}×${photo.height} noise JPEG from Chromium's encoder at quality 0.95, ${photo.input_bytes} bytes. `
    + 'Standalone page `?claim=damage`, file set on "Photos of the damage"; from the first `input`/`change` event on that input '
    + 'to `XMLHttpRequest.prototype.send` with the prepared Blob, unthrottled, fresh context per run.', '');
  if (photo.samples) md.push(`Runs: ${photo.samples.map((s) => `${s.ms} ms / ${s.bytes} B`).join('; ')}.`, '');
}
if (proxy) {
  md.push('## Proxy', '',
    `oha ${machine.oha.replace(/^oha /, '')}, \`-q ${proxy.load.rate} -z ${proxy.load.duration} -c ${proxy.load.connections} --latency-correction\`, `
    + `\`GET ${proxy.load.route}\`, loopback; the proxy (release build, default logging to a file) in front of a standalone sandbox process, `
    + 'compared with the same sandbox called directly. Load generator, proxy and sandbox share the 2 cores.', '');
  md.push('| target | req/s | success | p50 | p99 | max | status codes |', '|---|---:|---:|---:|---:|---:|---|');
  for (const [name, s] of [['sandbox direct', proxy.direct], ['through the proxy', proxy.proxy]]) {
    md.push(`| ${name} | ${s.requests_per_sec.toFixed(1)} | ${(s.success_rate * 100).toFixed(2)} % | ${s.p50_ms.toFixed(3)} ms | ${s.p99_ms.toFixed(3)} ms | ${s.max_ms.toFixed(1)} ms | ${JSON.stringify(s.status)} |`);
  }
  md.push('', `Uploads: ${up.concurrent} concurrent \`POST /api/dsf/files\`, one part \`file\` (image/jpeg, ${up.file_bytes} bytes; body ${up.body_bytes} bytes), `
    + `answers ${JSON.stringify(up.status)}${Object.keys(up.errors ?? {}).length ? `, errors ${JSON.stringify(up.errors)}` : ''}, ${up.seconds.toFixed(2)} s; `
    + `VmHWM ${up.rss_start_kb} KiB after start, ${up.rss_peak_kb} KiB after the uploads (VmRSS then ${up.rss_after_kb} KiB).`, '');
}
for (const b of ['full', 'claim']) {
  const label = b === 'full' ? 'full' : 'claim-only';
  const s = text(`sections-${b}.txt`);
  const t = text(`twiggy-${b}.txt`);
  if (s || t) md.push(`## Where the ${label} widget's wasm goes`, '');
  if (s) md.push('Sections of the shipped `parcel-desk_bg.wasm` (bytes):', '', '```', s.trimEnd(), '```', '');
  if (t) md.push('twiggy top of the same code with names kept (wasm-bindgen + `wasm-opt -Oz -g`; the names subsection exists only in this copy):', '', '```', t.trimEnd(), '```', '');
}
md.push('## Steps', '', steps.map((s) => `${s.name} ${s.status} (${s.seconds} s)`).join(' · ') || 'none recorded', '');
let history = '';
try {
  history = fs.readFileSync(path.join(root, 'bench', 'history.md'), 'utf8').trim();
} catch {
  history = '## History\n\n| change | effect |\n|---|---|';
}
md.push(history, '');
fs.writeFileSync(path.join(root, 'bench', 'report.md'), md.join('\n'));

// stdout: the summary table
const w = [62, 30, 36, 10, 6];
const pad = (s, n) => (s.length > n ? s.slice(0, n - 1) + '…' : s.padEnd(n));
console.log('');
console.log(pad('figure', w[0]), pad('value', w[1]), pad('budget', w[2]), pad('ratio', w[3]), 'status');
for (const r of rows) console.log(pad(r.what, w[0]), pad(fmt(r), w[1]), pad(r.budget, w[2]), pad(fmtRatio(r), w[3]), r.status);
const misses = rows.filter((r) => r.status === 'MISS').length;
const nm = rows.filter((r) => r.status === 'N/M').length;
console.log(`\nbench: ${rows.filter((r) => r.status === 'PASS').length} within budget, ${misses} missed, ${nm} not measured — bench/report.md`);
