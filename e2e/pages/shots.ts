import type { Page } from '@playwright/test';
import * as fs from 'node:fs';

const SHOTS = 'screenshots';
fs.mkdirSync(SHOTS, { recursive: true });

/** Full-page screenshots at 375 and 1280 px: `screenshots/<name>-<width>.png`. */
export async function shoot(page: Page, name: string) {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
}
