import type { Kysely, Selectable } from 'kysely';
import type { Article, ArticleView, Revision } from '../model/article.js';
import { urlKey } from '../model/identity.js';
import type { ArticleTable, Database, Db } from './schema.js';
import { firstSection } from './articleList.js';
import { recordFeedRefresh } from './feeds.js';
import { toArticle, toImage, toRevision } from './rows.js';
import type { ArticleKeys, ArticleWrite, RefreshOutcome, RefreshWrite } from './store.js';
import type { StoreDialect } from './dialect.js';
import { queueStoryWork } from './stories.js';

/**
 * Articles: which stored article an item is (identity), what a refresh writes, versions
 * (revisions, images), re-checks of the page, and tombstones that keep deleted ones away.
 */

export async function findKnownArticle(db: Db, feedId: number, sourceId: number, keys: ArticleKeys): Promise<Article | null> {
  const row = await findArticleRow(db, feedId, sourceId, keys);
  return row ? toArticle(row) : null;
}

export async function saveRefresh(db: Kysely<Database>, dialect: StoreDialect, w: RefreshWrite): Promise<RefreshOutcome> {
  return db.transaction().execute(async (trx) => {
    const { sourceId } = await recordFeedRefresh(trx, w);
    const outcome: RefreshOutcome = { created: 0, tombstoned: 0, updated: 0, linked: 0, unchanged: 0, articleIds: [], failedPageIds: [] };
    // Every stored article this refresh links (its links list and the items found by
    // identity) locked in article order, as read marks lock them (subscriptions.ts
    // markAllRead), before the first link moves a count.
    const links = [...w.links].sort((x, y) => x.articleId - y.articleId);
    const found = await storedArticles(trx, w.feedId, sourceId, w.articles, dialect.locksArticlesToLink);
    if (dialect.locksArticlesToLink) await dialect.lockArticlesToLink(trx, [...links.map((l) => l.articleId), ...found.ids()]);
    const count = (link: LinkWrite) => {
      if (link === 'linked') outcome.linked++;
      if (link !== 'same') found.noteWritten();
    };
    for (const link of links) {
      count(await linkArticle(trx, link.articleId, w.feedId, link.guid, link.linkKey, w.fetchedAt));
    }
    for (const [i, a] of w.articles.entries()) {
      const existing = await found.current(i);
      if (!existing) {
        if (await tombstoned(trx, w.feedId, a.keys)) {
          outcome.tombstoned++;
          continue;
        }
        const id = await insertArticle(trx, sourceId, a);
        found.noteWritten();
        await queueStoryWork(trx, [id], 'place', w.fetchedAt);
        await linkArticle(trx, id, w.feedId, a.keys.guid, a.keys.linkKey, a.seenAt);
        outcome.created++;
        outcome.articleIds.push(id);
        if (a.extractStatus === 'failed') outcome.failedPageIds.push(id);
        continue;
      }
      outcome.articleIds.push(existing.id);
      count(await linkArticle(trx, existing.id, w.feedId, a.keys.guid, a.keys.linkKey, a.seenAt));
      if ((existing.content_hash === a.keys.contentHash && existing.title === a.title) || a.significant === false) {
        await trx
          .updateTable('article')
          .set({ feed_hash: a.feedHash, publisher_updated_at: laterOf(existing.publisher_updated_at, a.publisherUpdatedAt) })
          .where('id', '=', existing.id)
          .execute();
        outcome.unchanged++;
        continue;
      }
      if (a.extractStatus !== 'ok' && existing.extract_status === 'ok') {
        // A failed re-fetch must not replace full text with the feed's teaser.
        outcome.unchanged++;
        continue;
      }
      await updateArticle(trx, existing, a);
      found.noteWritten();
      await queueStoryWork(trx, [existing.id], 'facts', w.fetchedAt);
      outcome.updated++;
      if (a.extractStatus === 'failed') outcome.failedPageIds.push(existing.id);
    }
    return outcome;
  });
}

export async function isTombstoned(db: Db, feedId: number, keys: ArticleKeys): Promise<boolean> {
  return tombstoned(db, feedId, keys);
}

export async function deleteArticle(db: Kysely<Database>, id: number, reason: string, at: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const article = await trx.selectFrom('article').select(['id', 'url_key', 'canonical_url']).where('id', '=', id).executeTakeFirst();
    if (!article) return false;
    const links = await trx.selectFrom('article_feed').select(['feed_id', 'guid', 'link_key']).where('article_id', '=', id).execute();
    const keys = new Set([article.url_key ?? urlKey(article.canonical_url), ...links.map((l) => l.link_key).filter((k): k is string => !!k)]);
    for (const k of keys) await trx.insertInto('tombstone').values({ url_key: k, feed_id: null, guid: null, reason, created_at: at }).execute();
    for (const l of links) if (l.guid) await trx.insertInto('tombstone').values({ url_key: null, feed_id: l.feed_id, guid: l.guid, reason, created_at: at }).execute();
    await trx.deleteFrom('article').where('id', '=', id).execute();
    return true;
  });
}

export async function articlesDueForRecheck(db: Db, now: string, limit: number): Promise<Article[]> {
  const rows = await db.selectFrom('article').selectAll().where('next_recheck_at', '<=', now).orderBy('next_recheck_at').limit(limit).execute();
  return rows.map(toArticle);
}

export async function applyRecheck(db: Kysely<Database>, articleId: number, write: ArticleWrite | null, nextRecheckAt: string | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (write) {
      const existing = await trx.selectFrom('article').selectAll().where('id', '=', articleId).executeTakeFirst();
      if (!existing) return;
      await updateArticle(trx, existing, write);
      await queueStoryWork(trx, [articleId], 'facts', write.seenAt);
    }
    await trx.updateTable('article').set({ next_recheck_at: nextRecheckAt }).where('id', '=', articleId).execute();
  });
}

export async function completeArticlePage(db: Kysely<Database>, articleId: number, a: ArticleWrite, nextRecheckAt: string | null): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('article').select(['id', 'extract_status', 'byline', 'lang']).where('id', '=', articleId).executeTakeFirst();
    if (!existing || existing.extract_status === 'ok') return false;
    await trx
      .updateTable('article')
      .set({ ...pageColumns(a, existing), next_recheck_at: nextRecheckAt })
      .where('id', '=', articleId)
      .execute();
    const newest = await trx.selectFrom('revision').select('id').where('article_id', '=', articleId).orderBy('id', 'desc').executeTakeFirst();
    if (newest) await trx.updateTable('revision').set({ text: a.text, html: a.html, content_hash: a.keys.contentHash }).where('id', '=', newest.id).execute();
    await replaceImages(trx, articleId, a);
    await queueStoryWork(trx, [articleId], 'facts', a.seenAt);
    return true;
  });
}

export async function getArticle(db: Db, id: number): Promise<ArticleView | null> {
  const row = await db
    .selectFrom('article as a')
    .innerJoin('source', 'source.id', 'a.source_id')
    .selectAll('a')
    .select(['source.name as source_name', firstSection()])
    .where('a.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const images = await db.selectFrom('image').selectAll().where('article_id', '=', id).orderBy('position').execute();
  return { ...toArticle(row), sourceName: row.source_name, section: row.section ?? null, images: images.map(toImage) };
}

export async function listRevisions(db: Db, articleId: number): Promise<Revision[]> {
  const rows = await db.selectFrom('revision').select(['id', 'article_id', 'seen_at', 'reason', 'title', 'text', 'content_hash']).where('article_id', '=', articleId).orderBy('id').execute();
  return rows.map(toRevision);
}

/**
 * The stored article each item is. Where the dialect locks articles before linking them,
 * each is found before anything is written (to lock them first), and current(i) gives item
 * i's row as the refresh reaches it: read again when an earlier item wrote that article,
 * looked for again when none was found and the refresh has since written what articles are
 * found by (a new article, new text, a new or renamed link may be this item's). Elsewhere
 * each is found as the refresh reaches it, once.
 */
async function storedArticles(trx: Db, feedId: number, sourceId: number, articles: readonly ArticleWrite[], upFront: boolean) {
  const find = (i: number) => findArticleRow(trx, feedId, sourceId, articles[i]!.keys);
  const rows: Array<Selectable<ArticleTable> | undefined> | null = upFront ? [] : null;
  for (let i = 0; rows && i < articles.length; i++) rows.push(await find(i));
  const reached = new Set<number>();
  let written = false;
  const reach = (row: Selectable<ArticleTable> | undefined) => {
    if (row) reached.add(row.id);
    return row;
  };
  return {
    ids: () => (rows ?? []).flatMap((r) => (r ? [r.id] : [])),
    /** This refresh wrote what items are found by (a new article, new text, a new or renamed link). */
    noteWritten() {
      written = true;
    },
    async current(i: number): Promise<Selectable<ArticleTable> | undefined> {
      const row = rows ? rows[i] : await find(i);
      if (!rows) return reach(row);
      if (!row) return written ? reach(await find(i)) : undefined;
      if (!reached.has(row.id)) return reach(row);
      return trx.selectFrom('article').selectAll().where('id', '=', row.id).executeTakeFirst();
    },
  };
}

async function findArticleRow(db: Db, feedId: number, sourceId: number, keys: ArticleKeys): Promise<Selectable<ArticleTable> | undefined> {
  if (keys.guid) {
    const byGuid = await db
      .selectFrom('article_feed')
      .innerJoin('article', 'article.id', 'article_feed.article_id')
      .selectAll('article')
      .where('article_feed.feed_id', '=', feedId)
      .where('article_feed.guid', '=', keys.guid)
      .executeTakeFirst();
    if (byGuid) return byGuid;
  }
  // The same article under another GUID scheme, protocol or tracking parameters.
  const key = urlKey(keys.canonicalUrl);
  const byKey = await db
    .selectFrom('article')
    .selectAll()
    .where((eb) => eb.or([eb('url_key', '=', key), eb('url_key', '=', keys.linkKey)]))
    .executeTakeFirst();
  if (byKey) return byKey;
  const byLink = await db
    .selectFrom('article_feed')
    .innerJoin('article', 'article.id', 'article_feed.article_id')
    .selectAll('article')
    .where('article_feed.link_key', '=', keys.linkKey)
    .executeTakeFirst();
  if (byLink) return byLink;
  if (!keys.contentHash) return undefined;
  return db.selectFrom('article').selectAll().where('source_id', '=', sourceId).where('content_hash', '=', keys.contentHash).executeTakeFirst();
}

async function tombstoned(db: Db, feedId: number, keys: ArticleKeys): Promise<boolean> {
  const key = urlKey(keys.canonicalUrl);
  const hit = await db
    .selectFrom('tombstone')
    .select('id')
    .where((eb) => {
      const byUrl = eb.or([eb('url_key', '=', key), eb('url_key', '=', keys.linkKey)]);
      return keys.guid ? eb.or([byUrl, eb.and([eb('feed_id', '=', feedId), eb('guid', '=', keys.guid)])]) : byUrl;
    })
    .executeTakeFirst();
  return hit !== undefined;
}

/** What linkArticle wrote: a new link, new names (GUID, link) on the link there was, or nothing. */
type LinkWrite = 'linked' | 'renamed' | 'same';

async function linkArticle(trx: Db, articleId: number, feedId: number, guid: string | null, linkKey: string | null, at: string): Promise<LinkWrite> {
  const existing = await trx.selectFrom('article_feed').select(['guid', 'link_key']).where('article_id', '=', articleId).where('feed_id', '=', feedId).executeTakeFirst();
  if (existing) {
    // The feed renamed the item (new GUID scheme or link): remember the new names.
    if ((guid && existing.guid !== guid) || (linkKey && existing.link_key !== linkKey)) {
      await trx
        .updateTable('article_feed')
        .set({ guid: guid ?? existing.guid, link_key: linkKey ?? existing.link_key })
        .where('article_id', '=', articleId)
        .where('feed_id', '=', feedId)
        .execute();
      return 'renamed';
    }
    return 'same';
  }
  await trx.insertInto('article_feed').values({ article_id: articleId, feed_id: feedId, guid, link_key: linkKey, first_seen_at: at }).execute();
  return 'linked';
}

async function insertArticle(trx: Db, sourceId: number, a: ArticleWrite): Promise<number> {
  const row = await trx
    .insertInto('article')
    .values({
      source_id: sourceId,
      guid: a.keys.guid,
      url: a.url,
      canonical_url: a.keys.canonicalUrl,
      url_key: urlKey(a.keys.canonicalUrl),
      next_recheck_at: a.nextRecheckAt ?? null,
      title: a.title,
      byline: a.byline,
      published_at: a.publishedAt,
      publisher_updated_at: a.publisherUpdatedAt,
      changed_at: null,
      first_seen_at: a.seenAt,
      text: a.text,
      html: a.html,
      lead_image_url: a.leadImageUrl,
      lang: a.lang,
      word_count: a.wordCount,
      content_hash: a.keys.contentHash,
      feed_hash: a.feedHash,
      extract_status: a.extractStatus,
      extract_error: a.extractError,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await insertRevision(trx, row.id, { ...a, reason: 'first' });
  await replaceImages(trx, row.id, a);
  return row.id;
}

/** A new version of a stored article: its fields, a revision record and its images. */
async function updateArticle(trx: Db, existing: Selectable<ArticleTable>, a: ArticleWrite): Promise<void> {
  await trx
    .updateTable('article')
    .set({
      ...pageColumns(a, existing),
      title: a.title,
      publisher_updated_at: laterOf(existing.publisher_updated_at, a.publisherUpdatedAt),
      changed_at: a.seenAt,
      feed_hash: a.feedHash || existing.feed_hash,
    })
    .where('id', '=', existing.id)
    .execute();
  await insertRevision(trx, existing.id, a);
  await replaceImages(trx, existing.id, a);
}

/** What a version of the article's text sets; byline and language stay when the new one has none. */
function pageColumns(a: ArticleWrite, existing: Pick<Selectable<ArticleTable>, 'byline' | 'lang'>) {
  return {
    byline: a.byline ?? existing.byline,
    text: a.text,
    html: a.html,
    lead_image_url: a.leadImageUrl,
    lang: a.lang ?? existing.lang,
    word_count: a.wordCount,
    content_hash: a.keys.contentHash,
    extract_status: a.extractStatus,
    extract_error: a.extractError,
  };
}

async function insertRevision(trx: Db, articleId: number, a: ArticleWrite): Promise<void> {
  await trx
    .insertInto('revision')
    .values({ article_id: articleId, seen_at: a.seenAt, reason: a.reason, title: a.title, text: a.text, html: a.html, content_hash: a.keys.contentHash })
    .execute();
}

async function replaceImages(trx: Db, articleId: number, a: ArticleWrite): Promise<void> {
  await trx.deleteFrom('image').where('article_id', '=', articleId).execute();
  if (a.images.length === 0) return;
  await trx
    .insertInto('image')
    .values(a.images.map((i) => ({ article_id: articleId, position: i.position, url: i.url, caption: i.caption, credit: i.credit })))
    .execute();
}

function laterOf(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
