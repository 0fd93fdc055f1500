import { test, expect, type APIRequestContext, type Page } from '@playwright/test';
import { shoot } from '../pages/shots';

// The customer's status view: a claim filed through the API (as the claim
// form files it), found again by its reference + e-mail address, shown in
// customer words, kept across a reload (the reference in the URL, the
// token in sessionStorage, never in the URL), and a wrong e-mail address
// answered with the one no-match text.

type Created = { reference: string; claim_id: string; access_token: string; state: string };

/** A lost claim for a parcel shipped on the shop's own carrier contract:
 *  the proxy files it with the sandbox's carrier within seconds. */
async function fileClaim(request: APIRequestContext, email = 'ann@example.com'): Promise<Created> {
  const r = await request.post('/api/claims', {
    data: {
      claim_type: 'lost',
      tracking_number: 'PD-OWN-0003',
      contents: 'Blue mug',
      email,
      name: 'Ann',
      declaration: { accepted: true, signed_name: 'Ann' },
    },
  });
  expect(r.status()).toBe(202);
  const created = (await r.json()) as Created;
  expect(created.reference).toMatch(/^PD-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
  return created;
}

const TEXTS = {
  en: {
    reference: /^Claim reference/,
    proof: /^Email address or postal code/,
    show: 'Show status',
    filed: 'Filed with the carrier',
    received: 'Received',
    carrierStep: 'With the carrier',
    noMatch: 'No claim matches this reference or order number and this email address or postal code. Please check both and try again.',
    confirm: 'To see claim',
    progress: 'Progress',
  },
  de: {
    reference: /^Referenz Ihrer Meldung/,
    proof: /^E-Mail-Adresse oder Postleitzahl/,
    show: 'Status anzeigen',
    filed: 'Beim Versanddienstleister eingereicht',
    received: 'Eingegangen',
    carrierStep: 'Beim Paketdienst',
    noMatch: 'Zu dieser Referenz oder Bestellnummer und dieser E-Mail-Adresse oder Postleitzahl gibt es keine Meldung.',
    confirm: 'Um die Meldung',
    progress: 'Fortschritt',
  },
} as const;

for (const lang of ['en', 'de'] as const) {
  const t = TEXTS[lang];
  for (const width of [375, 1280]) {
    test(`${lang} at ${width} px: a claim found by reference and e-mail, in customer words, still there after a reload`, async ({ page, request }) => {
      await page.setViewportSize({ width, height: 900 });
      const claim = await fileClaim(request);
      await page.goto(`/?view=status&lang=${lang}`);
      const w = page.locator('parcel-desk');
      // Any case and spacing: the proxy normalises the reference.
      await w.getByLabel(t.reference).fill(` ${claim.reference.toLowerCase().replaceAll('-', ' ')} `);
      await w.getByLabel(t.proof).fill('ANN@example.com');
      await w.getByRole('button', { name: t.show }).click();

      await expect(w.locator('.pd-claim-reference')).toContainText(claim.reference);
      // Registered with the carrier within seconds; the view polls by itself.
      await expect(w.getByRole('status').filter({ hasText: t.filed })).toBeVisible({ timeout: 30_000 });
      const progress = w.getByRole('list', { name: t.progress });
      await expect(progress.getByText(t.carrierStep, { exact: true })).toHaveAttribute('aria-current', 'step');
      await expect(progress.getByText(t.received, { exact: true })).not.toHaveAttribute('aria-current', 'step');

      // The address bar carries the view and the reference, never the token.
      const url = new URL(page.url());
      expect(url.searchParams.get('view')).toBe('status');
      expect(url.searchParams.get('ref')).toBe(claim.reference);
      expect(page.url()).not.toContain(claim.access_token);
      expect(page.url()).not.toContain('token');
      if (width === 375) await shoot(page, `claim-status-${lang}`);

      // A reload opens the claim again directly (token from sessionStorage).
      await page.reload();
      await expect(w.locator('.pd-claim-reference')).toContainText(claim.reference);
      await expect(w.getByRole('status').filter({ hasText: t.filed })).toBeVisible({ timeout: 30_000 });
      await expect(w.getByLabel(t.proof)).toHaveCount(0);
    });
  }

  test(`${lang}: a wrong e-mail address or reference gives the one no-match text`, async ({ page, request }) => {
    const claim = await fileClaim(request);
    await page.goto(`/?view=status&lang=${lang}`);
    const w = page.locator('parcel-desk');
    await w.getByLabel(t.reference).fill(claim.reference);
    await w.getByLabel(t.proof).fill('someone.else@example.com');
    await w.getByRole('button', { name: t.show }).click();
    const alert = w.getByRole('alert');
    await expect(alert).toContainText(t.noMatch);
    const wrongEmail = await alert.textContent();
    // An unknown reference with the right address reads exactly the same.
    const other = claim.reference.endsWith('0') ? claim.reference.slice(0, -1) + '1' : claim.reference.slice(0, -1) + '0';
    await w.getByLabel(t.reference).fill(other);
    await w.getByLabel(t.proof).fill('ann@example.com');
    await w.getByRole('button', { name: t.show }).click();
    await expect(alert).toHaveText(wrongEmail!);
    await expect(w.getByLabel(t.reference)).toHaveValue(other);
    if (lang === 'en') await shoot(page, 'claim-status-no-match');
  });
}

test('a claim found by its order number: the order\'s customer sees it with its reference; anyone else gets the no-match text', async ({ page, request }) => {
  // A claim by order number (no tracking number) for the sandbox's demo
  // order ORD-0003, whose customer is customer@example.com (postal code
  // 1011 AB): the shop's order proves who may see it.
  const r = await request.post('/api/claims', {
    data: {
      claim_type: 'lost',
      order_number: 'ORD-0003',
      contents: 'A blue vase',
      email: 'customer@example.com',
      name: 'Jo',
      declaration: { accepted: true, signed_name: 'Jo' },
    },
  });
  expect(r.status()).toBe(202);
  const claim = (await r.json()) as Created;
  await page.goto('/?view=status&lang=en');
  const w = page.locator('parcel-desk');
  await w.getByLabel(TEXTS.en.reference).fill(' ord-0003 ');
  await w.getByLabel(TEXTS.en.proof).fill('someone.else@example.com');
  await w.getByRole('button', { name: TEXTS.en.show }).click();
  await expect(w.getByRole('alert')).toContainText(TEXTS.en.noMatch);
  // The order's customer: by its delivery postal code, any spacing.
  await w.getByLabel(TEXTS.en.proof).fill('1011ab');
  await w.getByRole('button', { name: TEXTS.en.show }).click();
  // Shown with the reference the customer did not have.
  await expect(w.locator('.pd-claim-reference')).toContainText(claim.reference);
  // The reference shows with the look-up's answer; the address bar takes it
  // once the claim's status has been read.
  await expect.poll(() => new URL(page.url()).searchParams.get('ref')).toBe(claim.reference);
});

test('a shared link without a remembered token asks only for the e-mail address, the reference prefilled', async ({ page, request, context }) => {
  const claim = await fileClaim(request, 'bo@example.com');
  // A new tab has its own (empty) sessionStorage.
  await page.goto(`/?view=status&lang=en&ref=${claim.reference}`);
  const w = page.locator('parcel-desk');
  await expect(w.getByText(`To see claim ${claim.reference} again`)).toBeVisible();
  await expect(w.getByLabel(TEXTS.en.reference)).toHaveValue(claim.reference);
  await w.getByLabel(TEXTS.en.proof).fill('bo@example.com');
  await w.getByRole('button', { name: 'Show status' }).click();
  await expect(w.locator('.pd-claim-reference')).toContainText(claim.reference);
  // "Look up another claim" clears the reference from the address bar.
  await w.getByRole('button', { name: 'Look up another claim' }).click();
  await expect(w.getByLabel(TEXTS.en.reference)).toHaveValue('');
  expect(new URL(page.url()).searchParams.get('ref')).toBeNull();
  // Another tab of the same browser knows nothing of the token.
  const other = await context.newPage();
  await other.goto(`/?view=status&lang=en&ref=${claim.reference}`);
  await expect(other.locator('parcel-desk').getByLabel(TEXTS.en.proof)).toBeVisible();
});

test('the progress bar never goes backwards, and a refused claim reads in customer words', async ({ page }) => {
  // The proxy's answers are replaced here so that a later read reports an
  // earlier state: filed, then needs attention.
  const id = '0b6f3c8e-2a41-4d5e-9f1a-7c3d2e1f0a99';
  let answer: object = { ticket_id: id, pending: true, state: 'filed' };
  await page.route(`**/api/dsf/tickets/${id}`, (route) =>
    route.fulfill({ status: 202, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(answer) }));
  // An old status link: the ticket and its token in the fragment.
  await page.goto(`/?view=status&lang=en&ticket=${id}#token=v1.test.token`);
  const w = page.locator('parcel-desk');
  const progress = w.getByRole('list', { name: 'Progress' });
  await expect(progress.getByText('With the carrier', { exact: true })).toHaveAttribute('aria-current', 'step');
  // The token left the address bar for sessionStorage; the claim id stayed.
  await expect.poll(() => page.url()).toContain(`ref=${id}`);
  expect(page.url()).not.toContain('token');

  answer = { ticket_id: id, pending: true, state: 'needs_attention', reason: 'Validation Error. Errors: [sales_invoice]' };
  await w.getByRole('button', { name: 'Refresh' }).click();
  await expect(w.getByText('The shop is looking into your claim')).toBeVisible();
  await expect(progress.getByText('With the carrier', { exact: true })).toHaveAttribute('aria-current', 'step');
  answer = { ticket_id: id, pending: true, state: 'received' };
  await w.getByRole('button', { name: 'Refresh' }).click();
  await expect(w.getByRole('status').filter({ hasText: 'registering it with the carrier' })).toBeVisible();
  await expect(progress.getByText('With the carrier', { exact: true })).toHaveAttribute('aria-current', 'step');

  // After a reload (ref in the URL, the token and the furthest step in
  // sessionStorage) the bar still stands where it stood.
  await page.reload();
  await expect(w.getByRole('status').filter({ hasText: 'registering it with the carrier' })).toBeVisible();
  await expect(progress.getByText('With the carrier', { exact: true })).toHaveAttribute('aria-current', 'step');
});

test('requests only the shop can answer are not shown to the customer', async ({ page }) => {
  // Ticket 1005 (ORD-1005): the carrier asks the shop for its purchase invoice.
  await page.goto('/?view=status&lang=en&order=ORD-1005');
  const w = page.locator('parcel-desk');
  await w.getByRole('button', { name: 'Look up by ticket number and order number instead' }).click();
  await w.getByLabel(/^Ticket number/).fill('1005');
  await w.getByRole('button', { name: 'Show status' }).click();
  await expect(w.getByText('The carrier asked the shop for a few documents; the shop takes care of them.')).toBeVisible();
  await expect(w.getByText('Purchase invoice')).toHaveCount(0);
  await expect(w.getByRole('heading', { name: 'The carrier needs the following from you' })).toHaveCount(0);
  await expect(w.getByText('The carrier needs something from you')).toHaveCount(0);
});
