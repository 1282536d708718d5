import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFeed } from '../src/feed/parseFeed.js';
import { FIELD_CHARS } from '../src/feed/text.js';

// Unclosed markup and bare "&" repeated over a whole field once made the text handling
// quadratic (a 100 k character title of "<script": 8.7 s). Every text field of an item, in
// each format, goes through the real parser at n and 4n characters: linear code takes
// about 4 times as long, quadratic code 16 times; the bar sits between them, at 8, so
// that noise on a loaded machine (seen: a 2n/n ratio of 3.08 in CI for linear code)
// does not fail it. A ratio, not a duration; the minimum of a few runs takes out the noise.

const FLOODS = ['<a ', '<script', '<!--', '<style', '&', '&x', '<a b="'];
const SIZES = [50_000, 200_000];
const RUNS = 3;
const ROUNDS = 6;
const MAX_RATIO = 8;
const MAX_MS = 4000;

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function rss(p: string): string {
  const e = escapeXml(p);
  return `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/">
    <channel><title>${e}</title><description>${e}</description><item><guid>g</guid>
    <title>${e}</title><author>${e}</author><dc:creator>${e}</dc:creator><category>${e}</category>
    <description>${e}</description><content:encoded>${e}</content:encoded>
    <media:description>${e}</media:description></item></channel></rss>`;
}

function atom(p: string): string {
  const e = escapeXml(p);
  return `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title type="html">${e}</title>
    <entry><id>i</id><title type="html">${e}</title><author><name>${e}</name></author>
    <category>${e}</category><summary type="html">${e}</summary><content type="html">${e}</content>
    </entry></feed>`;
}

function jsonFeed(p: string): string {
  const item = { id: 'i', title: p, authors: [{ name: p }], tags: [p], summary: p, content_html: p };
  const text = { id: 'j', content_text: p };
  return JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: p, items: [item, text] });
}

const FORMATS = { rss, atom, json: jsonFeed };

/** Milliseconds per parse, over `reps` parses in a row. */
function parseMs(doc: string, reps = 1): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) JSON.stringify(parseFeed(doc));
  return Number(process.hrtime.bigint() - start) / 1e6 / reps;
}

/** Fastest of RUNS measurements; stops at the first run over the cap (old code took minutes). */
function fastestMs(doc: string, reps: number): number {
  let best = Infinity;
  for (let r = 0; r < RUNS; r++) {
    best = Math.min(best, parseMs(doc, reps));
    if (best > MAX_MS) break;
  }
  return best;
}

/** Enough parses in a row that one measurement of the small size takes ~40 ms: a few-ms sample is mostly scheduler noise. */
function repsFor(doc: string): number {
  return Math.max(1, Math.min(50, Math.ceil(40 / Math.max(parseMs(doc), 0.05))));
}

for (const [format, build] of Object.entries(FORMATS)) {
  for (const flood of FLOODS) {
    test(`${format}: ${JSON.stringify(flood)} repeated in every text field parses in linear time`, () => {
      parseMs(build(flood.repeat(1000))); // warm-up
      const docs = SIZES.map((n) => build(flood.repeat(Math.ceil(n / flood.length)).slice(0, n)));
      // A garbage collection landing in one size, or a burst of work in the test file running
      // beside this one (CI saw 11× once for linear code, on a machine where the same code
      // gives 2.5–6.7× alone), can skew a round; quadratic code fails all of them.
      let small = 0;
      let large = 0;
      const reps = repsFor(docs[0]!);
      for (let round = 0; round < ROUNDS; round++) {
        [small, large] = docs.map((d) => fastestMs(d, reps)) as [number, number];
        if (large > MAX_MS || large / small < MAX_RATIO) break;
      }
      assert.ok(large < MAX_MS, `${SIZES[1]} characters took ${large.toFixed(0)} ms`);
      assert.ok(large / small < MAX_RATIO, `time(4n)/time(n) = ${(large / small).toFixed(2)} (${small.toFixed(1)} → ${large.toFixed(1)} ms)`);
    });
  }
}

test('text fields are capped: a title keeps at most FIELD_CHARS.title characters', () => {
  const long = 'word '.repeat(50_000);
  for (const [format, build] of Object.entries(FORMATS)) {
    const feed = parseFeed(build(long));
    const item = feed.items[0]!;
    assert.ok(item.title!.length <= FIELD_CHARS.title, `${format} title: ${item.title!.length}`);
    assert.ok(item.title!.startsWith('word word'), format);
    assert.ok(feed.title!.length <= FIELD_CHARS.title, `${format} feed title`);
    assert.ok(item.authors[0]!.name!.length <= FIELD_CHARS.name, `${format} author`);
    assert.ok(item.categories[0]!.length <= FIELD_CHARS.category, `${format} category`);
  }
});

test('text with markup reads as before: blocks spaced, scripts and comments dropped, entities decoded', () => {
  const title = '<p>One</p><p>Two &amp; <b>three</b></p><script>x()</script><!-- note --> four <!-- open';
  const feed = parseFeed(rss(title));
  assert.equal(feed.items[0]!.title, 'One Two & three four');
  const unclosed = parseFeed(rss('a <script b <a c &amp; d'));
  assert.equal(unclosed.items[0]!.title, 'a <script b <a c & d');
});
