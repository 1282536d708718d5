import assert from 'node:assert/strict';
import { readerFixture, adaUnread, requestLog, FIXTURE_ITEMS, type SeenRequest } from './readerFixture.js';
import { Newsboat, type NewsboatMode, type NewsboatScreen } from './newsboat.js';
import { until } from './until.js';

/**
 * One reading session of newsboat against the reader fixture, as ada, in the given mode:
 * reload and count unread, open an article (read on the server), mark the other feed read
 * with `A`, then a fresh cache must see the server's state. `sent` then checks what the
 * client sent in this mode's protocol. On failure the error lists every request.
 */
export async function newsboatSync(mode: NewsboatMode, sent: (requests: SeenRequest[]) => void): Promise<void> {
  const f = await readerFixture();
  const nb = new Newsboat({ mode, url: f.url, login: 'ada', password: f.ada.token });
  let screen: NewsboatScreen | undefined;
  try {
    await nb.reload('first');
    assert.equal(await nb.unread('first'), FIXTURE_ITEMS.quay + FIXTURE_ITEMS.hill, 'ada\'s items, none of bob\'s');

    screen = await nb.open('first');
    const feeds = await screen.waitFor(/Your feeds \(2 unread, 2 total\)/);
    const titles = [...feeds.matchAll(/^\s+\d+\s+N\s+\(\d+\/\d+\)\s+(.+?)\s*$/gm)].map((m) => m[1]!);
    assert.equal(titles.length, 2, 'both feeds listed as unread');
    const [opened, markedRead] = titles.map((t) => (t.startsWith('Quay') ? f.feeds.quay : f.feeds.hill)) as [number, number];
    assert.notEqual(opened, markedRead);
    const before = await adaUnread(f);

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
    await until('the opened article to be read on the server', async () => (await adaUnread(f)).get(opened) === before.get(opened)! - 1);
    const read = await f.tp.store.listArticles({ userId: f.ada.id, read: true, limit: 10 });
    assert.deepEqual(read.map((a) => a.title), [title]);

    // Back to the feed list; mark the second feed read with A.
    screen.keys('q');
    await screen.waitFor(/Your feeds/);
    screen.keys('Down');
    screen.keys('A');
    await until('the second feed to be read on the server', async () => !(await adaUnread(f)).has(markedRead));
    screen.stop();
    screen = undefined;

    // A client with a fresh cache learns the server's state.
    const expected = [...(await adaUnread(f)).values()].reduce((a, b) => a + b, 0);
    assert.equal(expected, FIXTURE_ITEMS.quay + FIXTURE_ITEMS.hill - 1 - before.get(markedRead)!);
    await nb.reload('fresh');
    assert.equal(await nb.unread('fresh'), expected);
    sent(f.requests);
  } catch (err) {
    // What the client sent is the first thing to read when it did not do what was expected.
    throw new Error(`${(err as Error).message}\nrequests:\n${requestLog(f.requests)}`, { cause: err });
  } finally {
    screen?.stop();
    await f.close();
  }
}
