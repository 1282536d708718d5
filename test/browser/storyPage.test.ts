import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ingestOutlets, publish } from '../support/storyOutlets.js';
import { browserSite, browserSkip, everyWay, signInByForm, type BrowserSite } from '../support/pageChecks.js';
import { hashPassword } from '../../src/accounts/passwords.js';

/**
 * The story page and the river folded by story of the five-outlet fixture in a browser at
 * 1280 and 390 px, and the river narrowed to an entity: screenshots,
 * no sideways scroll, the WCAG checks, and the CSP holding (no violations logged).
 * Skipped without chromium.
 */
const skip = browserSkip;
const PASSWORD = 'long enough password';

let site: BrowserSite;

before(async () => {
  if (skip) return;
  site = await browserSite(async (publisher, tp) => {
    publish(publisher);
    const ada = await tp.store.createUser({ name: 'ada', passwordHash: await hashPassword(PASSWORD), isAdmin: false, now: '2026-11-20T00:00:00Z' });
    await ingestOutlets(tp, publisher, ada.id);
  });
});

after(() => site?.close());

test('the story page with a disagreement at 1280 and 390 px: screenshots, no sideways scroll, WCAG checks', { skip }, async () => {
  const ada = (await site.tp.store.getUserByName('ada'))!;
  const stories = await site.tp.store.listStories({ userId: ada.id, limit: 10 });
  const quake = stories.find((s) => /earthquake/i.test(s.title))!;
  const bridge = stories.find((s) => s.copies > 0)!;
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await signInByForm(page, site, 'ada', PASSWORD);
  await page.locator('p.story-count a').first().waitFor();
  await everyWay(page, `${site.url}/stories/${quake.id}`, 'story');
  assert.equal(await page.locator('svg.timeline circle').count(), 3);
  assert.match((await page.locator('table.figures').textContent()) ?? '', /Sources disagree/);
  const timeline = await page.locator('svg.timeline').boundingBox();
  assert.ok(timeline && timeline.width > 300 && timeline.height > 50, `the timeline is drawn: ${JSON.stringify(timeline)}`);
  await everyWay(page, `${site.url}/stories/${bridge.id}`, 'story-copies');
  assert.match((await page.locator('.also-in').textContent()) ?? '', /also in: Coast Herald, Valley Post/);
  // The river folds each story into one entry with its counts and the other outlets.
  await everyWay(page, `${site.url}/`, 'river-folded');
  assert.equal(await page.locator('ol.river > li').count(), stories.length, 'one entry per story');
  assert.match((await page.locator('ol.river').textContent()) ?? '', /4 sources · 2 copies · also in: /);
  // An entity of the story page narrows the river, with a chip to take the filter off.
  await page.goto(`${site.url}/stories/${quake.id}`);
  await page.locator('ul.entities a').first().click();
  await page.locator('a.chip').waitFor();
  await everyWay(page, page.url(), 'river-entity');
  assert.ok((await page.locator('ol.river > li').count()) >= 1);
  assert.deepEqual(errors, [], 'no script errors and no CSP violations');
  await context.close();
});
