import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { repoRoot } from './cli.js';
import { accessibilityProblems } from './accessibility.js';
import { servedReader, type ServedReader } from './readerFixture.js';

/** Where browser tests leave their screenshots for CI to keep. */
export const shots = path.join(repoRoot, 'test-output', 'screenshots');

/** Shoots a page at both widths in both schemes and holds it to the layout and WCAG checks. */
export async function everyWay(page: Page, url: string, name: string) {
  fs.mkdirSync(shots, { recursive: true });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(url);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: path.join(shots, `${name}-${width}-${scheme}.png`), fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name} at ${width} px scrolls sideways by ${overflow} px`);
      assert.deepEqual(await accessibilityProblems(page), [], `${name}, ${width} px, ${scheme}`);
      const serif = await page.evaluate(() => Array.from(document.querySelectorAll('button, input, select, textarea, label, nav, header')).filter((e) => /serif/.test(getComputedStyle(e).fontFamily) && !/sans-serif/.test(getComputedStyle(e).fontFamily)).length);
      assert.equal(serif, 0, `${name}: no form or navigation in a serif`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }
}


const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Browser suites skip, saying why, on a machine without chromium. */
export const browserSkip = fs.existsSync(CHROMIUM) ? false : `skipped: ${CHROMIUM} not installed (apt-get install chromium)`;

/** Debian's chromium, headless, kept off the network beyond the pages it is sent to. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A served reader (readerFixture.ts) and a browser to look at it; `close` ends both. */
export interface BrowserSite extends ServedReader {
  browser: Browser;
}

export async function browserSite(setUp: Parameters<typeof servedReader>[0]): Promise<BrowserSite> {
  const served = await servedReader(setUp);
  const browser = await launchChromium();
  return {
    ...served,
    browser,
    async close() {
      await browser.close();
      await served.close();
    },
  };
}

/** Signs in through the form, as a person does, and waits for the river. */
export async function signInByForm(page: Page, site: { url: string }, name: string, password: string): Promise<void> {
  if (!page.url().includes('/login')) await page.goto(`${site.url}/login`);
  await page.fill('#name', name);
  await page.fill('#password', password);
  await page.click('form.auth button[type=submit]');
  await page.waitForURL(`${site.url}/`);
}
