import { expect, type Locator, type Page } from '@playwright/test';
import * as path from 'node:path';

/** The lost-parcel claim form, found the way a person finds it: by labels,
 *  roles and visible text. Playwright's locators pierce the widget's open
 *  shadow root. */
export class LostClaimForm {
  readonly page: Page;
  readonly widget: Locator;

  constructor(page: Page, widget?: Locator) {
    this.page = page;
    this.widget = widget ?? page.locator('parcel-desk');
  }

  async open(query = '') {
    await this.page.goto(`/${query}`);
    await expect(this.heading).toBeVisible();
  }

  get heading() {
    return this.widget.getByRole('heading', { name: /Report a (lost|damaged) parcel/ });
  }

  async chooseDamaged() {
    await this.widget.getByRole('radio', { name: 'It arrived damaged' }).check();
  }

  /** The control labelled exactly `label` (a required field's label ends
   *  in a visual " *", hidden from screen readers). */
  field(label: string) {
    const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return this.widget.getByLabel(new RegExp(`^${escaped}( \\*)?$`));
  }

  get trackingNumber() {
    return this.field('Tracking number');
  }

  get submit() {
    return this.widget.getByRole('button', { name: /Submit claim|Submitting/ });
  }

  get banner() {
    return this.widget.getByRole('alert');
  }

  async chooseOwnContract() {
    await this.widget.getByRole('radio', { name: "On the shop's own carrier contract" }).check();
  }

  async chooseSendcloudRates() {
    await this.widget.getByRole('radio', { name: "With the shop's Sendcloud label" }).check();
  }

  async fillPrice(legend: string, amount: string, currency = 'EUR') {
    const group = this.widget.getByRole('group', { name: legend });
    await group.getByLabel('Amount').fill(amount);
    await group.getByLabel('Currency').selectOption(currency);
  }

  /** Picks a fixture (or any path) for a file field and waits for the upload. */
  async attach(label: string, file: string, uploadedName = path.basename(file)) {
    const full = path.isAbsolute(file) ? file : path.join(__dirname, '..', 'fixtures', file);
    const field = this.field(label);
    await field.setInputFiles(full);
    await expect(await this.statusOf(field)).toContainText(`${uploadedName}: Uploaded`, { timeout: 15_000 });
  }

  /** The upload status line of a file field. */
  async statusOf(field: Locator) {
    const id = await field.getAttribute('id');
    return this.widget.locator(`[id="${id}-status"]`);
  }

  /** The error text a control is described by (aria-describedby). */
  async errorOf(control: Locator): Promise<string | null> {
    const ids = (await control.getAttribute('aria-describedby')) ?? '';
    const errorId = ids.split(/\s+/).find((id) => id.endsWith('-error'));
    if (!errorId) return null;
    return this.widget.locator(`[id="${errorId}"]`).textContent();
  }

  async expectInvalid(control: Locator, message: string | RegExp) {
    await expect(control).toHaveAttribute('aria-invalid', 'true');
    expect(await this.errorOf(control)).toMatch(message);
  }

  get successHeading() {
    return this.widget.getByRole('heading', { name: 'Claim received' });
  }

  get reference() {
    return this.widget.locator('.pd-reference strong');
  }
}
