import { expect, type Locator, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The widget's texts in one language, read from the language files the
 *  widget itself loads (so a test in German finds German labels). */
export type Texts = Record<string, string>;
export function texts(lang: 'en' | 'de' = 'en'): Texts {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'i18n', `${lang}.json`), 'utf8'));
}

/** What happened, as the widget offers it, for each claim type. */
export const SITUATION: Record<string, string> = {
  lost: 'situation_not_arrived',
  'delivered-but-not-received': 'situation_not_arrived',
  'late-delivery': 'situation_not_arrived',
  damage: 'situation_damaged',
  other: 'situation_missing',
  'unjust-return': 'situation_returned',
  'address-change': 'situation_address',
};

/** The claim form, found the way a person finds it: by labels, roles and
 *  visible text. Playwright's locators pierce the widget's open shadow
 *  root. */
export class ClaimForm {
  readonly page: Page;
  readonly widget: Locator;
  readonly t: Texts;

  constructor(page: Page, widget?: Locator, lang: 'en' | 'de' = 'en') {
    this.page = page;
    this.widget = widget ?? page.locator('parcel-desk');
    this.t = texts(lang);
  }

  async open(query = '') {
    await this.page.goto(`/${query}`);
    await expect(this.heading).toBeVisible();
    await this.takenOver();
  }

  /** Waits until the widget has replaced the claim form's first step
   *  (the split build shows it in plain HTML while the widget's module
   *  loads; the widget's root has no `data-pd-first`). */
  async takenOver() {
    await expect(this.widget.locator('.pd-root:not([data-pd-first])')).toHaveCount(1);
  }

  get heading() {
    return this.widget.getByRole('heading', { name: this.t.claim_title });
  }

  /** The control labelled exactly `label` (a required field's label ends
   *  in a visual " *", hidden from screen readers). */
  field(label: string) {
    const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return this.widget.getByLabel(new RegExp(`^${escaped}( \\*)?$`));
  }

  /** A field by its text key in the language file. */
  f(key: string) {
    return this.field(this.t[key]);
  }

  get trackingNumber() {
    return this.f('tracking_number');
  }

  /** Answers "What happened?" with the situation of `claimType`. */
  async choose(claimType: string) {
    await this.widget.getByRole('radio', { name: this.t[SITUATION[claimType]] }).check();
  }

  async customer(email = 'ann@example.com', name = 'Ann Example') {
    await this.f('email').fill(email);
    await this.f('name').fill(name);
  }

  /** A full lost claim: every answer the form requires. */
  async fillLost(tracking = 'PD-OWN-0003', contents = 'A kettle') {
    await this.trackingNumber.fill(tracking);
    await this.choose('lost');
    await this.f('contents_label').fill(contents);
    await this.customer();
    await this.declare();
  }

  /** The rest of a lost claim once the parcel and "what happened" are
   *  given: its questions, then submit, and the claim is accepted. */
  async finishLost(contents = 'Two bags of coffee beans') {
    await this.f('contents_label').fill(contents);
    await this.customer();
    await this.declare();
    await this.submit.click();
    await expect(this.successHeading).toBeVisible();
  }

  async declare(name = 'Ann Example') {
    await this.widget.getByRole('checkbox', { name: this.t.declaration_text }).check();
    await this.f('signed_name').fill(name);
  }

  get submit() {
    return this.widget.getByRole('button', { name: new RegExp(`${this.t.submit}|${this.t.submitting}`) });
  }

  get banner() {
    return this.widget.getByRole('alert');
  }

  /** Picks a fixture (or any path, or several) for a file field and waits
   *  for the upload. */
  async attach(label: string, file: string, uploadedName = path.basename(file)) {
    const full = path.isAbsolute(file) ? file : path.join(__dirname, '..', 'fixtures', file);
    const field = this.field(label);
    await field.setInputFiles(full);
    await expect(await this.statusOf(field)).toContainText(`${uploadedName}: ${this.t.uploaded}`, { timeout: 15_000 });
  }

  /** The upload status (list) of a file field. */
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
    return this.widget.getByRole('heading', { name: this.t.success_title });
  }

  get reference() {
    return this.widget.locator('.pd-reference strong');
  }
}

/** Labels a customer must never see: the shop's facts. */
export const SHOP_ONLY = /purchase|invoice|contract|how was the parcel shipped|claim form|portal|sales price|einkauf|rechnung|vertrag/i;
