import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readerFixture, FIXTURE_ITEMS, type ReaderFixture } from '../support/readerFixture.js';
import { Newsboat, newsboatMissing } from '../support/newsboat.js';
import { until } from '../support/until.js';

const missing = newsboatMissing();

/** What the server holds as unread for ada, per feed. */
async function serverUnread(f: ReaderFixture): Promise<Map<number, number>> {
  return new Map((await f.tp.store.unreadCounts(f.ada.id)).map((c) => [c.feedId, c.unread]));
}

test('newsboat (feedhq mode, Google Reader API): reload, count unread, open an article and mark a feed read in the UI, a fresh cache sees the server\'s state', { skip: missing ? `skipped: ${missing}` : false, timeout: 150_000 }, async () => {
  const f = await readerFixture();
  const nb = new Newsboat({ mode: 'feedhq', url: f.url, login: 'ada', password: f.ada.token });
  let screen: Awaited<ReturnType<Newsboat['open']>> | undefined;
  try {
    await nb.reload('first');
    assert.equal(await nb.unread('first'), FIXTURE_ITEMS.quay + FIXTURE_ITEMS.hill, 'ada\'s items, none of bob\'s');
    assert.ok(f.requests.some((r) => r.url.startsWith('/reader/atom/')), 'items came through the Atom stream');

    screen = await nb.open('first');
    const feeds = await screen.waitFor(/Your feeds \(2 unread, 2 total\)/);
    const firstFeed = /^\s+1\s+N\s+\(\d+\/\d+\)\s+(.+?)\s*$/m.exec(feeds)![1]!;
    const secondFeed = /^\s+2\s+N\s+\(\d+\/\d+\)\s+(.+?)\s*$/m.exec(feeds)![1]!;
    const feedId = (title: string) => (title.startsWith('Quay') ? f.feeds.quay : f.feeds.hill);
    const opened = feedId(firstFeed);
    const markedRead = feedId(secondFeed);
    assert.notEqual(opened, markedRead);
    const before = await serverUnread(f);

    // Open the first feed, then its first article.
    screen.keys('Enter');
    await screen.waitFor(/Articles in feed/);
    screen.keys('Enter');
    const article = await screen.waitFor(/Article '.+'/);
    const title = /Article '(.+?)'/.exec(article)![1]!;
    assert.match(article, /late ferry on the evening crossing/, 'the full text is shown');
    // newsboat marks an article read (locally and on the server) at the first key pressed in its view.
    screen.keys('q');
    await screen.waitFor(/Articles in feed/);
    await until('the opened article to be read on the server', async () => (await serverUnread(f)).get(opened) === before.get(opened)! - 1);
    const read = await f.tp.store.listArticles({ userId: f.ada.id, read: true, limit: 10 });
    assert.deepEqual(read.map((a) => a.title), [title]);

    // Back to the feed list; mark the second feed read with A.
    screen.keys('q');
    await screen.waitFor(/Your feeds/);
    screen.keys('Down');
    screen.keys('A');
    await until('the second feed to be read on the server', async () => !(await serverUnread(f)).has(markedRead));
    screen.stop();
    screen = undefined;

    // A client with a fresh cache learns the server's state.
    const expected = [...(await serverUnread(f)).values()].reduce((a, b) => a + b, 0);
    assert.equal(expected, FIXTURE_ITEMS.quay + FIXTURE_ITEMS.hill - 1 - before.get(markedRead)!);
    await nb.reload('fresh');
    assert.equal(await nb.unread('fresh'), expected);
  } catch (err) {
    // What the client sent is the first thing to read when it did not do what was expected.
    throw new Error(`${(err as Error).message}\nrequests:\n${f.requests.map((r) => `${r.status} ${r.method} ${r.url} ${r.method === 'POST' && !r.url.includes('ClientLogin') ? JSON.stringify(r.body) : ''}`).join('\n')}`, { cause: err });
  } finally {
    screen?.stop();
    await f.close();
  }
});
