import { expect, type Locator, type Page } from '@playwright/test';
import * as path from 'node:path';
import { texts, type Texts } from './claim-form';

/** The staff token the e2e proxy is started with (playwright.config.ts). */
export const STAFF_TOKEN = 'e2e-staff-token-0123456789';

type Table = Record<string, string>;

/** The staff view's claims inbox, found by roles and labels. */
export class StaffInbox {
  readonly page: Page;
  readonly widget: Locator;
  readonly t: Texts;

  constructor(page: Page, lang: 'en' | 'de' = 'en') {
    this.page = page;
    this.widget = page.locator('parcel-desk');
    this.t = texts(lang);
  }

  /** A value table of the language file (bucket words, field labels …). */
  table(name: string): Table {
    return this.t[name] as unknown as Table;
  }

  /** Opens the staff view and the inbox with `token` (typed, then Enter). */
  async open(token = STAFF_TOKEN, query = '') {
    await this.page.goto(`/?view=staff${query}`);
    await expect(this.widget.getByRole('heading', { name: this.t.staff_desk_title })).toBeVisible();
    const field = this.widget.getByLabel(new RegExp(`^${this.t.staff_token}`));
    await field.fill(token);
    await field.press('Enter');
  }

  get buckets() {
    return this.widget.getByRole('navigation', { name: this.t.inbox_buckets_label });
  }

  /** The filter of one bucket (its name starts with the bucket's words). */
  bucket(key: string) {
    return this.buckets.getByRole('button', { name: new RegExp(`^${this.table('inbox_buckets')[key]}`) });
  }

  /** The count a bucket's filter shows. */
  async count(key: string): Promise<number> {
    return Number(await this.bucket(key).locator('.pd-count').textContent());
  }

  /** The button that opens a claim, named by its reference. */
  claim(reference: string) {
    return this.widget.getByRole('button', { name: reference, exact: true });
  }

  get refresh() {
    return this.widget.getByRole('button', { name: this.t.refresh });
  }

  /** Shows `bucket` and waits until `reference` is listed in it, refreshing. */
  async waitFor(bucket: string, reference: string, timeout = 30_000) {
    await this.bucket(bucket).click();
    await expect(this.bucket(bucket)).toHaveAttribute('aria-pressed', 'true');
    await expect(async () => {
      await this.refresh.click();
      await expect(this.claim(reference)).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout });
  }

  /** The label of a claim field as the inbox shows it. */
  label(key: string) {
    return this.table('claim_fields')[key];
  }

  /** The part listing what upstream still needs. */
  get needed() {
    return this.widget.getByRole('form', { name: this.t.still_needed });
  }

  /** A control labelled exactly `label` (a required mark may follow). */
  field(label: string, within: Locator = this.widget) {
    const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return within.getByLabel(new RegExp(`^${escaped}( \\*)?$`));
  }

  group(label: string) {
    return this.widget.getByRole('group', { name: label });
  }

  /** Uploads a fixture into the needed file field `key` and waits for it. */
  async attach(key: string, fixture: string) {
    const full = path.join(__dirname, '..', 'fixtures', fixture);
    const input = this.field(this.label(key), this.needed);
    await input.setInputFiles(full);
    const id = await input.getAttribute('id');
    await expect(this.widget.locator(`[id="${id}-status"]`)).toContainText(`${fixture}: ${this.t.uploaded}`, { timeout: 15_000 });
  }

  get save() {
    return this.widget.getByRole('button', { name: this.t.save_fields, exact: true });
  }

  get approve() {
    return this.widget.getByRole('button', { name: this.t.approve, exact: true });
  }

  get back() {
    return this.widget.getByRole('button', { name: this.t.back_to_list });
  }
}
