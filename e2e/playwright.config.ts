import { defineConfig } from '@playwright/test';

// The widget in Debian's Chromium (never a downloaded browser) against the
// reference proxy in sandbox mode, serving the release build from dist/.
const PORT = Number(process.env.PD_E2E_PORT ?? 8091);
// A second proxy serves the Vite consumer app (consumer/dist, built by
// global-setup.ts from the packed npm package) on the next port.
const CONSUMER_PORT = PORT + 1;
// A third serves the example Leptos shop (examples/leptos-shop/dist, built by
// `make example`), which uses the crate as a component library.
const SHOP_PORT = PORT + 2;

// The suite files more claims a minute than any real customer: lift the
// proxy's per-client limits, the account budget of its filing worker and
// the simulated upstream limits (all tested by the proxy's own tests).
// Warnings only in the log.
const PROXY_ENV = {
  PARCEL_DESK_UPSTREAM_CREATES_PER_MINUTE: '10000',
  PARCEL_DESK_UPSTREAM_READS_PER_MINUTE: '10000',
  PARCEL_DESK_LIMITS_CREATE_PER_MINUTE: '0',
  PARCEL_DESK_LIMITS_OTHER_PER_MINUTE: '0',
  PARCEL_DESK_LIMITS_LOOKUP_PER_MINUTE: '0',
  PARCEL_DESK_SANDBOX_UPSTREAM_LIMITS: 'off',
  PARCEL_DESK_STAFF_TOKEN: 'e2e-staff-token-0123456789',
  RUST_LOG: 'warn',
};

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 7_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'retain-on-failure',
  },
  globalSetup: './global-setup.ts',
  webServer: [{
    command: `../target/debug/parcel-desk-proxy --sandbox --static ../dist --listen 127.0.0.1:${PORT}`,
    url: `http://127.0.0.1:${PORT}/healthz`,
    reuseExistingServer: false,
    env: PROXY_ENV,
    stdout: 'pipe',
    timeout: 30_000,
  }, {
    command: `mkdir -p consumer/dist && ../target/debug/parcel-desk-proxy --sandbox --static consumer/dist --listen 127.0.0.1:${CONSUMER_PORT}`,
    url: `http://127.0.0.1:${CONSUMER_PORT}/healthz`,
    reuseExistingServer: false,
    env: PROXY_ENV,
    stdout: 'pipe',
    timeout: 30_000,
  }, {
    command: `../target/debug/parcel-desk-proxy --sandbox --static ../examples/leptos-shop/dist --listen 127.0.0.1:${SHOP_PORT}`,
    url: `http://127.0.0.1:${SHOP_PORT}/healthz`,
    reuseExistingServer: false,
    env: PROXY_ENV,
    stdout: 'pipe',
    timeout: 30_000,
  }],
});
