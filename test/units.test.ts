import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDate } from '../src/text/dates.js';
import { deriveSourceAndSection, hostLabel } from '../src/ingest/sourceNaming.js';
import { canonicalizeUrl, contentHash } from '../src/ingest/articleIdentity.js';
import { articleText } from '../src/render/articleText.js';
import { relativeAge, formatLocalTime } from '../src/render/time.js';
import { sanitizeHtml } from '../src/html/sanitizeHtml.js';
import { subscriptionTitle, updatedAtOf } from '../src/model/article.js';
import BetterSqlite3 from 'better-sqlite3';
import { withStatementCache } from '../src/store/sqlite/openSqlite.js';
import { loadConfig } from '../src/config.js';
import { collapseWhitespace } from '../src/text/whitespace.js';
import { folderId } from '../src/server/folderIds.js';

test('dates of every common feed form become UTC', () => {
  const cases: Array<[string, string | null]> = [
    ['Thu, 27 Mar 2025 21:15:07 +0000', '2025-03-27T21:15:07Z'],
    ['Thu, 27 Mar 2025 21:15:07 GMT', '2025-03-27T21:15:07Z'],
    ['27 Mar 2025 17:15:07 EDT', '2025-03-27T21:15:07Z'],
    ['Thu, 27 Mar 25 21:15 +0100', '2025-03-27T20:15:00Z'],
    ['thursday, 27 march 2025 21:15:07 -0000', '2025-03-27T21:15:07Z'],
    ['2025-03-27T21:15:07.123+01:00', '2025-03-27T20:15:07Z'],
    ['2025-03-27T21:15:07Z', '2025-03-27T21:15:07Z'],
    ['2025-03-27', '2025-03-27T00:00:00Z'],
    ['20250327T211507Z', '2025-03-27T21:15:07Z'],
    ['March 27, 2025 5:15 PM EDT', '2025-03-27T21:15:00Z'],
    ['Thu Mar 27 21:15:07 2025', '2025-03-27T21:15:07Z'],
    // feedparser documents RFC 822 day overflow as rolling over ("31 Jun" is 1 July)
    ['Sun, 31 Feb 2025 00:00:00 GMT', '2025-03-03T00:00:00Z'],
    ['2025-02-30T00:00:00Z', null],
    ['yesterday-ish', null],
    ['', null],
  ];
  for (const [input, expected] of cases) assert.equal(parseDate(input), expected, input);
});

test('source and section come from the feed title and the site name', () => {
  assert.deepEqual(deriveSourceAndSection('World News | New York Post', 'New York Post', 'https://nypost.com/'), { source: 'New York Post', section: 'World News', from: 'site' });
  assert.deepEqual(deriveSourceAndSection('BBC News - World', null, 'https://www.bbc.co.uk/news'), { source: 'BBC News', section: 'World', from: 'feed' });
  assert.deepEqual(deriveSourceAndSection('World News | New York Post', null, 'https://nypost.com/'), { source: 'New York Post', section: 'World News', from: 'feed' });
  assert.deepEqual(deriveSourceAndSection('NYT > World News', 'The New York Times', 'https://www.nytimes.com/section/world'), { source: 'The New York Times', section: 'NYT > World News', from: 'site' });
  assert.deepEqual(deriveSourceAndSection('Reuters', 'Reuters', 'https://reuters.com'), { source: 'Reuters', section: null, from: 'site' });
  assert.deepEqual(deriveSourceAndSection('Top Stories', 'CNN', 'https://cnn.com'), { source: 'CNN', section: 'Top Stories', from: 'site' });
  assert.deepEqual(deriveSourceAndSection('Some Blog', null, 'https://example.org'), { source: 'Some Blog', section: null, from: 'feed' });
  assert.equal(hostLabel('https://www.bbc.co.uk/x'), 'bbc');
  assert.equal(hostLabel('https://feeds.nypost.com/x'), 'nypost');
});

test('canonical URLs drop tracking parameters, fragments and default ports; hashes ignore whitespace', () => {
  assert.equal(canonicalizeUrl('HTTPS://News.Example:443/a/b?utm_source=rss&id=7&fbclid=x&utm_medium=feed#top'), 'https://news.example/a/b?id=7');
  assert.equal(canonicalizeUrl('http://news.example/a?b=2&a=1'), 'http://news.example/a?a=1&b=2');
  assert.equal(contentHash('Title', 'One  two\n\nthree '), contentHash('Title ', 'One two three'));
  assert.notEqual(contentHash('Title', 'One two three'), contentHash('Title', 'One two four'));
});

test('article text keeps captions where images stood; adjacent figures are consecutive lines', () => {
  const fig = (c: string, cr: string) => `<figure><img src="https://x/i.jpg"><figcaption><span class="caption">${c}</span> <span class="credit">${cr}</span></figcaption></figure>`;
  const html = `<h2>Heading</h2><p>First <b>bold</b> paragraph.</p>${fig('One.', 'AP')}${fig('Two.', 'Reuters')}<p>Line<br>break</p><figure><img src="https://x/n.jpg"></figure><ul><li>a</li><li>b</li></ul><p><em>With wires</em></p>`;
  assert.equal(articleText(html), 'Heading\n\nFirst bold paragraph.\n\nOne. AP\nTwo. Reuters\n\nLine\nbreak\n\n• a\n\n• b\n\nWith wires');
});

test('relative ages and local times', () => {
  const now = new Date('2025-04-02T23:00:00Z');
  assert.equal(relativeAge('2025-04-02T22:59:30Z', now), 'just now');
  assert.equal(relativeAge('2025-04-02T22:59:00Z', now), '1 minute ago');
  assert.equal(relativeAge('2025-04-02T18:00:00Z', now), '5 hours ago');
  assert.equal(relativeAge('2025-03-30T22:38:58Z', now), '3 days ago');
  assert.equal(relativeAge('2025-01-30T22:38:58Z', now), '2 months ago');
  assert.equal(relativeAge('2023-01-30T22:38:58Z', now), '2 years ago');
  assert.equal(formatLocalTime('2025-03-27T21:15:07Z', 'UTC'), '2025-03-27 21:15:07');
  assert.equal(formatLocalTime('2025-03-27T21:15:07Z', 'America/New_York'), '2025-03-27 17:15:07');
});

test('Updated at is the latest of the publisher modification and the seen change, never before Created at', () => {
  assert.equal(updatedAtOf({ publishedAt: '2025-03-27T21:15:07Z', publisherUpdatedAt: null, changedAt: null }), '2025-03-27T21:15:07Z');
  assert.equal(updatedAtOf({ publishedAt: '2025-03-27T21:15:07Z', publisherUpdatedAt: '2025-03-30T22:38:58Z', changedAt: '2025-03-29T00:00:00Z' }), '2025-03-30T22:38:58Z');
  assert.equal(updatedAtOf({ publishedAt: '2025-03-27T21:15:07Z', publisherUpdatedAt: '2025-03-28T00:00:00Z', changedAt: '2025-03-31T10:00:00Z' }), '2025-03-31T10:00:00Z');
  assert.equal(updatedAtOf({ publishedAt: '2025-03-27T21:15:07Z', publisherUpdatedAt: '2025-03-01T00:00:00Z', changedAt: null }), '2025-03-27T21:15:07Z');
});

test('the sanitizer keeps article structure and drops everything executable', () => {
  const dirty = `<p style="color:red" onclick="x()">Text <a href="javascript:alert(1)">j</a> <a href="/rel">r</a></p>
<script>alert(1)</script><style>p{}</style><iframe src="https://evil.example/"></iframe><iframe src="https://www.youtube.com/embed/abc"></iframe>
<img src="x.jpg" onerror="alert(1)"><img src="data:image/svg+xml;base64,PHN2Zz4="><img src="data:image/png;base64,iVBORw0KGgo=">
<svg><script>alert(1)</script></svg><form action="/x"><input name="a"></form><object data="x.swf"></object><a href="data:text/html,<script>">d</a>
<figure><img src="/a.jpg"><figcaption class="evil caption">Cap <span class="credit">AP</span></figcaption></figure>`;
  const clean = sanitizeHtml(dirty, 'https://news.example/a/');
  for (const bad of [/<script/i, /onclick|onerror/i, /javascript:/i, /style=/i, /evil\.example/, /<form|<input|<object|<svg[^>]*><script/i, /data:image\/svg/, /data:text/]) assert.doesNotMatch(clean, bad);
  assert.match(clean, /<iframe src="https:\/\/www\.youtube\.com\/embed\/abc" sandbox="[^"]+"><\/iframe>/);
  assert.match(clean, /<a href="https:\/\/news\.example\/rel">r<\/a>/);
  assert.match(clean, /<img src="https:\/\/news\.example\/a\/x\.jpg">/);
  assert.match(clean, /data:image\/png;base64/);
  assert.match(clean, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"><\/svg>/, 'inline SVG is kept empty of its script');
  assert.match(clean, /<figcaption class="caption">Cap <span class="credit">AP<\/span><\/figcaption>/);
});

test('the activity chart draws one bar per day with articles, scaled to the busiest day', async () => {
  const { ActivityChart } = await import('../src/server/ui/components/activityChart.js');
  const { h } = await import('preact');
  const { renderToString } = await import('preact-render-to-string');
  const activityChart = (days: number[], now: Date) => renderToString(h(ActivityChart, { days, now }));
  const days = new Array<number>(30).fill(0);
  days[0] = 2;
  days[27] = 8;
  days[29] = 4;
  const svg = String(activityChart(days, new Date('2026-03-30T12:00:00Z')));
  const bars = [...svg.matchAll(/<rect x="(\d+)" y="(\d+)" width="3" height="(\d+)"(?:\/>|><\/rect>)/g)].map((m) => [Number(m[1]), Number(m[3])]);
  assert.deepEqual(bars, [[0, 5], [108, 20], [116, 10]]);
  assert.match(svg, /aria-label="14 new articles in the last 30 days; most \(8\) on 2026-03-28"/);
  assert.match(svg, /<title>14 new articles/);
});

test('SQLite statements are compiled once per query shape, and only the most recent are kept', () => {
  const raw = new BetterSqlite3(':memory:');
  let compiled = 0;
  const prepare = raw.prepare.bind(raw);
  raw.prepare = ((sql: string) => (compiled++, prepare(sql))) as typeof raw.prepare;
  const db = withStatementCache(raw, 2);
  for (let i = 0; i < 5; i++) assert.deepEqual(db.prepare('select ? as n').all([i]), [{ n: i }]);
  assert.equal(compiled, 1, 'the same SQL is compiled once');
  db.prepare('select 2');
  db.prepare('select 3');
  db.prepare('select ? as n');
  assert.equal(compiled, 4, 'the least recently used statement was let go');
  db.close();
});

test('refresh concurrency and full text come from the environment', () => {
  assert.equal(loadConfig({}).refreshConcurrency, 6);
  assert.equal(loadConfig({ TIDINGS_REFRESH_CONCURRENCY: '48' }).refreshConcurrency, 48);
  assert.equal(loadConfig({}).fullText, true);
  assert.equal(loadConfig({ TIDINGS_FULL_TEXT: 'false' }).fullText, false);
});

test('collapseWhitespace is exactly replace(/\\s+/g, " ").trim(), for every kind of whitespace', () => {
  const pieces = ['a', 'bc', ' ', '  ', '\n', '\n\n', '\t', '\r\n', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u2028', '\u200b', 'é', '\u0085'];
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let n = 0; n < 2000; n++) {
    const s = Array.from({ length: Math.floor(rnd() * 12) }, () => pieces[Math.floor(rnd() * pieces.length)]).join('');
    assert.equal(collapseWhitespace(s), s.replace(/\s+/g, ' ').trim(), JSON.stringify(s));
  }
  for (let c = 0; c < 0x10000; c++) {
    const s = `a${String.fromCharCode(c)}${String.fromCharCode(c)}b`;
    assert.equal(collapseWhitespace(s), s.replace(/\s+/g, ' ').trim(), `U+${c.toString(16)}`);
  }
});

test("a subscription's title: the reader's own name, else publisher and section, else the feed's title, else the publisher", () => {
  const feed = { sourceName: 'Harbour Times', section: null, title: 'Harbour Times – Late edition', customTitle: null };
  assert.equal(subscriptionTitle({ ...feed, customTitle: 'My harbour' }), 'My harbour');
  assert.equal(subscriptionTitle({ ...feed, customTitle: '' }), 'Harbour Times – Late edition', 'an empty name of their own is none');
  assert.equal(subscriptionTitle({ ...feed, section: 'Sport' }), 'Harbour Times (Sport)');
  assert.equal(subscriptionTitle(feed), 'Harbour Times – Late edition', "a second feed of one publisher is told apart by its title");
  assert.equal(subscriptionTitle({ ...feed, title: null }), 'Harbour Times');
  assert.equal(subscriptionTitle({ ...feed, title: '' }), 'Harbour Times');
});

test('a folder id (Fever group, Miniflux category) is stable per reader and name, a 31-bit integer clear of 0 and 1', () => {
  assert.equal(folderId(7, 'News'), folderId(7, 'News'));
  assert.notEqual(folderId(7, 'News'), folderId(8, 'News'), "one reader's ids tell nothing of another's folders");
  assert.notEqual(folderId(7, 'News'), folderId(7, 'news'));
  const ids = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const id = folderId(i % 3, `folder ${i}`);
    assert.ok(Number.isInteger(id) && id >= 2 && id < 2 ** 31, `${id}`);
    ids.add(id);
  }
  assert.equal(ids.size, 2000, 'no collision among a few thousand names');
});
