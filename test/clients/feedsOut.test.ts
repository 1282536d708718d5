import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { syndicationFixture, type SyndicationFixture } from '../support/syndicationFixture.js';

/**
 * Feeds out as real readers see them: Debian's python3-feedparser fetches each RSS and Atom
 * view over HTTP (and comes back with its ETag for a 304); JSON Feed goes through a checker
 * of the 1.1 spec's required fields. The same article has the same id in all of them.
 */
const PYTHON = '/usr/bin/python3';
const skip = feedparserMissing();
const run = promisify(execFile);

let f: SyndicationFixture;
let base: string;

before(async () => {
  if (skip) return;
  f = await syndicationFixture();
  base = await f.app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  if (!skip) await f.close();
});

/** Fetches a feed as feedparser does, then again with the ETag it got; prints what a reader relies on. */
const READ = `
import feedparser, json, sys, time
d = feedparser.parse(sys.argv[1])
again = feedparser.parse(sys.argv[1], etag=d.get('etag'))
date = lambda t: time.strftime('%Y-%m-%dT%H:%M:%SZ', t) if t else None
print(json.dumps({
  'bozo': int(d.bozo), 'problem': str(d.get('bozo_exception', '')), 'status': d.get('status'), 'version': d.version,
  'etag': d.get('etag'), 'again': again.get('status'), 'againEntries': len(again.entries),
  'title': d.feed.get('title'), 'link': d.feed.get('link'),
  'entries': [{'id': e.get('id'), 'title': e.get('title'), 'link': e.get('link'),
               'published': date(e.get('published_parsed')), 'updated': date(e.get('updated_parsed')),
               'content': (e.get('content') or [{}])[0].get('value', '')} for e in d.entries],
}))
`;

interface Read {
  bozo: number;
  problem: string;
  status: number;
  version: string;
  etag: string | null;
  again: number;
  againEntries: number;
  title: string | null;
  link: string | null;
  entries: Array<{ id: string | null; title: string | null; link: string | null; published: string | null; updated: string | null; content: string }>;
}

async function feedparser(url: string): Promise<Read> {
  const { stdout } = await run(PYTHON, ['-c', READ, url], { timeout: 30_000 });
  return JSON.parse(stdout) as Read;
}

function views(): Record<string, string> {
  const s = `${base}/syndication/${f.ada.secret}`;
  return { river: `${s}/river`, starred: `${s}/starred`, folder: `${s}/folder/News`, feed: `${s}/feed/${f.harbour}`, search: `${s}/search` };
}
const url = (path: string, ext: string, view: string) => `${path}.${ext}${view === 'search' ? '?q=harbour' : ''}`;

test('python3-feedparser reads every RSS and Atom view: well-formed, titled and linked, every entry with id, title, link and date; a 304 on its ETag', { skip }, async () => {
  const [first] = await f.tp.store.listArticles({ userId: f.ada.id, limit: 1 });
  await f.tp.store.setArticleState(f.ada.id, first!.id, { starred: true }, '2026-03-10T00:00:00Z');
  for (const [view, path] of Object.entries(views())) {
    for (const ext of ['rss', 'atom']) {
      const d = await feedparser(url(path, ext, view));
      const where = `${view}.${ext}`;
      assert.equal(d.bozo, 0, `${where}: ${d.problem}`);
      assert.equal(d.status, 200, where);
      assert.equal(d.version, ext === 'rss' ? 'rss20' : 'atom10', where);
      assert.ok(d.title?.startsWith('Tidings: '), `${where}: feed title ${d.title}`);
      assert.ok(d.link?.startsWith(`${base}/`), `${where}: feed link ${d.link}`);
      assert.ok(d.entries.length > 0, `${where}: entries`);
      for (const e of d.entries) {
        assert.match(e.id ?? '', /^tag:127\.0\.0\.1,2026:article\/\d+$/, `${where}: id`);
        assert.ok(e.title, `${where}: title`);
        assert.ok(e.link?.startsWith('http://127.0.0.1:'), `${where}: link`);
        assert.ok(e.published && e.updated, `${where}: parseable dates`);
        assert.match(e.content, /<figcaption>/, `${where}: the full text with captions`);
      }
      assert.equal(new Set(d.entries.map((e) => e.id)).size, d.entries.length, `${where}: unique ids`);
      assert.equal(d.again, 304, `${where}: conditional GET with ${d.etag}`);
      assert.equal(d.againEntries, 0);
    }
  }
});

test('JSON Feed 1.1: the spec\'s required fields, RFC 3339 dates, application/feed+json; the same ids as RSS and Atom', { skip }, async () => {
  for (const [view, path] of Object.entries(views())) {
    const res = await fetch(url(path, 'json', view));
    assert.equal(res.headers.get('content-type'), 'application/feed+json; charset=utf-8');
    const doc = (await res.json()) as unknown;
    assert.deepEqual(jsonFeedProblems(doc), [], view);
    const ids = (doc as { items: Array<{ id: string }> }).items.map((i) => i.id);
    for (const ext of ['rss', 'atom']) {
      const d = await feedparser(url(path, ext, view));
      assert.deepEqual(d.entries.map((e) => e.id), ids, `${view}: one id per article across formats`);
    }
  }
  assert.deepEqual(jsonFeedProblems({ version: 'https://jsonfeed.org/version/1', items: [{ id: 1, date_published: 'yesterday' }] }), [
    'version is not https://jsonfeed.org/version/1.1',
    'title is missing',
    'items[0].id is not a non-empty string',
    'items[0] has neither content_html nor content_text',
    'items[0].date_published is not RFC 3339',
  ], 'the checker itself finds what is wrong');
});

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** What JSON Feed 1.1 requires (https://jsonfeed.org/version/1.1), as a list of problems. */
function jsonFeedProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const d = (doc ?? {}) as Record<string, unknown>;
  if (d.version !== 'https://jsonfeed.org/version/1.1') problems.push('version is not https://jsonfeed.org/version/1.1');
  if (typeof d.title !== 'string' || !d.title) problems.push('title is missing');
  for (const key of ['home_page_url', 'feed_url'] as const) if (d[key] !== undefined && typeof d[key] !== 'string') problems.push(`${key} is not a string`);
  if (!Array.isArray(d.items)) return [...problems, 'items is not an array'];
  d.items.forEach((raw, i) => {
    const item = (raw ?? {}) as Record<string, unknown>;
    if (typeof item.id !== 'string' || !item.id) problems.push(`items[${i}].id is not a non-empty string`);
    if (typeof item.content_html !== 'string' && typeof item.content_text !== 'string') problems.push(`items[${i}] has neither content_html nor content_text`);
    for (const key of ['date_published', 'date_modified'] as const) {
      if (item[key] !== undefined && !(typeof item[key] === 'string' && RFC3339.test(item[key]) && Number.isFinite(Date.parse(item[key])))) problems.push(`items[${i}].${key} is not RFC 3339`);
    }
    if (item.authors !== undefined && !(Array.isArray(item.authors) && item.authors.every((a) => a && typeof a === 'object' && ['name', 'url', 'avatar'].some((k) => k in a)))) problems.push(`items[${i}].authors is malformed`);
  });
  return problems;
}

/** Why python3-feedparser cannot run here, or false when it can. */
function feedparserMissing(): string | false {
  const r = spawnSync(PYTHON, ['-c', 'import feedparser'], { encoding: 'utf8' });
  if (r.error) return `skipped: ${PYTHON} is missing (${r.error.message})`;
  return r.status === 0 ? false : `skipped: python3-feedparser is not installed (apt-get install python3-feedparser): ${r.stderr.trim().split('\n').pop()}`;
}
