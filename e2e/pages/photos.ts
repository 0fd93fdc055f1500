import type { Browser } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Writes a JPEG of `width` × `height` pixels of noise (the worst case for
 *  JPEG, like a detailed phone photo) made by Chromium's own encoder, and
 *  returns its path. Cached per size for the test run. */
export async function noisyJpeg(browser: Browser, width = 4000, height = 3000): Promise<string> {
  const file = path.join(os.tmpdir(), `parcel-desk-photo-${width}x${height}.jpg`);
  if (fs.existsSync(file)) return file;
  const page = await browser.newPage();
  const base64: string = await page.evaluate(async ([w, h]) => {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d')!;
    const img = ctx.createImageData(w, h);
    let seed = 42;
    for (let i = 0; i < img.data.length; i += 4) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const n = seed >>> 24;
      img.data[i] = ((i / 4) % w) * 200 / w ^ (n >> 2);
      img.data[i + 1] = n;
      img.data[i + 2] = 255 - (n >> 1);
      img.data[i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    const blob: Blob = await new Promise((r) => canvas.toBlob((b) => r(b!), 'image/jpeg', 0.95));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, [width, height]);
  await page.close();
  fs.writeFileSync(file, Buffer.from(base64, 'base64'));
  return file;
}
