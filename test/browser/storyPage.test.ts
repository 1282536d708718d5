import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { PublisherServer } from '../support/publisherServer.js';
import { ingestOutlets, publish } from '../support/storyOutlets.js';
import { testPipeline, type TestPipeline } from '../support/pipeline.js';
import { browserSkip, everyWay, launchChromium } from '../support/pageChecks.js';
import { buildApp } from '../../src/server/app.js';
import { hashPassword } from '../../src/accounts/passwords.js';

/**
 * The story page and the river folded by story of the five-outlet fixture in a browser at
 * 1280 and 390 px, and the river narrowed to an entity: screenshots,
 * no sideways scroll, the WCAG checks, and the CSP holding (no violations logged).
 * Skipped without chromium.
 */
const skip = browserSkip;
const PASSWORD = 'long enough password';

let publisher: PublisherServer;
let tp: TestPipeline;
let app: FastifyInstance;
let base = '';
let browser: Browser;

before(async () => {
  if (skip) return;
  publisher = await new PublisherServer().start();
  publish(publisher);
  tp = await testPipeline();
  const ada = await tp.store.createUser({ name: 'ada', passwordHash: await hashPassword(PASSWORD), isAdmin: false, now: '2026-11-20T00:00:00Z' });
  await ingestOutlets(tp, publisher, ada.id);
  app = buildApp({ store: tp.store, config: tp.p.config, pipeline: tp.p });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

after(async () => {
  if (skip) return;
  await browser?.close();
  await app.close();
  await tp.close();
  await publisher.stop();
});

test('the story page with a disagreement at 1280 and 390 px: screenshots, no sideways scroll, WCAG checks', { skip }, async () => {
  const ada = (await tp.store.getUserByName('ada'))!;
  const stories = await tp.store.listStories({ userId: ada.id, limit: 10 });
  const quake = stories.find((s) => /earthquake/i.test(s.title))!;
  const bridge = stories.find((s) => s.copies > 0)!;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${base}/login`);
  await page.fill('#name', 'ada');
  await page.fill('#password', PASSWORD);
  await page.click('form.auth button[type=submit]');
  await page.waitForURL(`${base}/`);
  await page.locator('p.story-count a').first().waitFor();
  await everyWay(page, `${base}/stories/${quake.id}`, 'story');
  assert.equal(await page.locator('svg.timeline circle').count(), 3);
  assert.match((await page.locator('table.figures').textContent()) ?? '', /Sources disagree/);
  const timeline = await page.locator('svg.timeline').boundingBox();
  assert.ok(timeline && timeline.width > 300 && timeline.height > 50, `the timeline is drawn: ${JSON.stringify(timeline)}`);
  await everyWay(page, `${base}/stories/${bridge.id}`, 'story-copies');
  assert.match((await page.locator('.also-in').textContent()) ?? '', /also in: Coast Herald, Valley Post/);
  // The river folds each story into one entry with its counts and the other outlets.
  await everyWay(page, `${base}/`, 'river-folded');
  assert.equal(await page.locator('ol.river > li').count(), stories.length, 'one entry per story');
  assert.match((await page.locator('ol.river').textContent()) ?? '', /4 sources · 2 copies · also in: /);
  // An entity of the story page narrows the river, with a chip to take the filter off.
  await page.goto(`${base}/stories/${quake.id}`);
  await page.locator('ul.entities a').first().click();
  await page.locator('a.chip').waitFor();
  await everyWay(page, page.url(), 'river-entity');
  assert.ok((await page.locator('ol.river > li').count()) >= 1);
  assert.deepEqual(errors, [], 'no script errors and no CSP violations');
  await context.close();
});
