import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { FAILING_AFTER_ERRORS, updatedAtOf, type Article, type ArticleView, type FeedStatus, type FeedWithSource, type Revision, type Session, type User, type WebSubSubscription } from '../model/article.js';
import type { ArticleTable, Database, FeedTable, WebSubTable } from './schema.js';
import { TidingsError } from '../model/errors.js';
import { urlKey } from '../model/identity.js';
import { formatIso } from '../text/dates.js';
import type { StoreDialect } from './dialect.js';
import { searchArticles } from './articleSearch.js';
import { collapseWhitespace } from '../text/whitespace.js';
import { ACTIVITY_DAYS, type ArticleKeys, type ArticleListItem, type ArticleQuery, type ArticleWrite, type FeedFailure, type NewFeed, type RefreshOutcome, type RefreshWrite, type SearchHit, type SearchQuery, type Store } from './store.js';

/**
 * The Store written once in Kysely's query builder. Dialect folders (`sqlite/`,
 * `postgres/`) open the connection, run their migrations and fill in the StoreDialect
 * (full-text search and the few expressions that differ).
 */
export class KyselyStore implements Store {
  constructor(
    protected readonly db: Kysely<Database>,
    private readonly dialect: StoreDialect,
    private readonly onClose: () => Promise<void> = async () => db.destroy(),
    /** Migration bookkeeping is the dialect folder's, asked through this. */
    private readonly listPendingMigrations: () => Promise<string[]> = async () => [],
  ) {}

  async close(): Promise<void> {
    await this.onClose();
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  pendingMigrations(): Promise<string[]> {
    return this.listPendingMigrations();
  }

  async getSetting(key: string): Promise<string | null> {
    const row = await this.db.selectFrom('setting').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value ?? null;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.db.insertInto('setting').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  }

  async addFeed(f: NewFeed): Promise<{ feed: FeedWithSource; created: boolean }> {
    const existing = await this.getFeedByUrl(f.url);
    if (existing) return { feed: existing, created: false };
    const id = await this.db.transaction().execute(async (trx) => {
      const sourceId = await ensureSource(trx, f.sourceName, f.sourceNameFrom, f.sourceHomepage, f.now);
      const row = await trx
        .insertInto('feed')
        .values({
          source_id: sourceId,
          url: f.url,
          site_url: f.siteUrl,
          title: f.title,
          section: f.section,
          source_override: f.sourceOverride,
          section_override: f.sectionOverride,
          last_status: 'new',
          error_count: 0,
          interval_seconds: f.intervalSeconds,
          next_check_at: null,
          created_at: f.now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    });
    return { feed: (await this.getFeed(id))!, created: true };
  }

  private feedQuery() {
    return this.db.selectFrom('feed').innerJoin('source', 'source.id', 'feed.source_id').selectAll('feed').select('source.name as source_name');
  }

  async getFeed(id: number): Promise<FeedWithSource | null> {
    const row = await this.feedQuery().where('feed.id', '=', id).executeTakeFirst();
    return row ? toFeed(row) : null;
  }

  async getFeedByUrl(url: string): Promise<FeedWithSource | null> {
    const row = await this.feedQuery().where('feed.url', '=', url).executeTakeFirst();
    return row ? toFeed(row) : null;
  }

  async listFeeds(): Promise<FeedWithSource[]> {
    const rows = await this.feedQuery().orderBy('source.name').orderBy('feed.section').orderBy('feed.id').execute();
    return rows.map(toFeed);
  }

  async dueFeeds(now: string, limit: number): Promise<FeedWithSource[]> {
    const rows = await this.feedQuery()
      .where((eb) => eb.or([eb('feed.next_check_at', 'is', null), eb('feed.next_check_at', '<=', now)]))
      .orderBy('feed.next_check_at', (ob) => ob.asc().nullsFirst())
      .orderBy('feed.id')
      .limit(limit)
      .execute();
    return rows.map(toFeed);
  }

  async overdueFeeds(now: string): Promise<{ count: number; oldestDueAt: string | null }> {
    const row = await this.db
      .selectFrom('feed')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.min(eb.fn.coalesce('feed.next_check_at', 'feed.created_at')).as('oldest')])
      .where((eb) => eb.or([eb('feed.next_check_at', 'is', null), eb('feed.next_check_at', '<=', now)]))
      .executeTakeFirst();
    return { count: Number(row?.n ?? 0), oldestDueAt: row?.oldest ?? null };
  }

  async recordFeedFailure(feedId: number, failure: FeedFailure): Promise<void> {
    await this.db
      .updateTable('feed')
      .set((eb) => ({
        last_fetched_at: failure.at,
        last_status: 'error',
        last_error_code: failure.code,
        last_error: failure.message.slice(0, 1000),
        error_count: eb('error_count', '+', 1),
        next_check_at: failure.nextCheckAt,
      }))
      .where('id', '=', feedId)
      .execute();
  }

  async findKnownArticle(feedId: number, sourceId: number, keys: ArticleKeys): Promise<Article | null> {
    const row = await findArticleRow(this.db, feedId, sourceId, keys);
    return row ? toArticle(row) : null;
  }

  async saveRefresh(w: RefreshWrite): Promise<RefreshOutcome> {
    return this.db.transaction().execute(async (trx) => {
      const feed = await trx.selectFrom('feed').select(['source_id', 'source_override']).where('id', '=', w.feedId).executeTakeFirstOrThrow();
      const outcome: RefreshOutcome = { created: 0, tombstoned: 0, updated: 0, linked: 0, unchanged: 0, articleIds: [] };
      const patch: Partial<Record<keyof FeedTable, unknown>> = {
        last_fetched_at: w.fetchedAt,
        last_status: w.status,
        last_error_code: null,
        last_error: null,
        error_count: 0,
        next_check_at: w.nextCheckAt,
        etag: w.etag,
        last_modified: w.lastModified,
      };
      if (w.feedTitle !== undefined) patch.title = w.feedTitle;
      if (w.intervalSeconds !== undefined) patch.interval_seconds = w.intervalSeconds;
      if (w.siteUrl !== undefined) patch.site_url = w.siteUrl;
      if (w.section !== undefined) patch.section = w.section;
      await trx.updateTable('feed').set(patch as never).where('id', '=', w.feedId).execute();
      if (w.sourceName && !feed.source_override) {
        // The publisher's own name replaces a guess from a feed title, never a person's choice.
        const allowed = w.sourceName.from === 'site' ? ['feed', 'site'] : ['feed'];
        await trx
          .updateTable('source')
          .set({ name: w.sourceName.name, name_from: w.sourceName.from })
          .where('id', '=', feed.source_id)
          .where('name_from', 'in', allowed)
          .execute();
      }
      for (const link of w.links) {
        if (await linkArticle(trx, link.articleId, w.feedId, link.guid, link.linkKey, w.fetchedAt)) outcome.linked++;
      }
      for (const a of w.articles) {
        const existing = await findArticleRow(trx, w.feedId, feed.source_id, a.keys);
        if (!existing) {
          if (await tombstoned(trx, w.feedId, a.keys)) {
            outcome.tombstoned++;
            continue;
          }
          const id = await insertArticle(trx, feed.source_id, a);
          await linkArticle(trx, id, w.feedId, a.keys.guid, a.keys.linkKey, a.seenAt);
          outcome.created++;
          outcome.articleIds.push(id);
          continue;
        }
        outcome.articleIds.push(existing.id);
        if (await linkArticle(trx, existing.id, w.feedId, a.keys.guid, a.keys.linkKey, a.seenAt)) outcome.linked++;
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
        outcome.updated++;
      }
      return outcome;
    });
  }

  async isTombstoned(feedId: number, keys: ArticleKeys): Promise<boolean> {
    return tombstoned(this.db, feedId, keys);
  }

  async deleteArticle(id: number, reason: string, at: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
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

  async getWebSub(feedId: number): Promise<WebSubSubscription | null> {
    const row = await this.db.selectFrom('websub').selectAll().where('feed_id', '=', feedId).executeTakeFirst();
    return row ? toWebSub(row) : null;
  }

  async getWebSubByToken(token: string): Promise<WebSubSubscription | null> {
    const row = await this.db.selectFrom('websub').selectAll().where('callback_token', '=', token).executeTakeFirst();
    return row ? toWebSub(row) : null;
  }

  async saveWebSub(w: WebSubSubscription): Promise<void> {
    const row = {
      feed_id: w.feedId, hub: w.hub, topic: w.topic, secret: w.secret, callback_token: w.callbackToken, state: w.state,
      lease_seconds: w.leaseSeconds, expires_at: w.expiresAt, requested_at: w.requestedAt, last_push_at: w.lastPushAt, last_error: w.lastError,
    };
    await this.db
      .insertInto('websub')
      .values(row)
      .onConflict((oc) => oc.column('feed_id').doUpdateSet((eb) => ({
        hub: eb.ref('excluded.hub'), topic: eb.ref('excluded.topic'), secret: eb.ref('excluded.secret'), callback_token: eb.ref('excluded.callback_token'),
        state: eb.ref('excluded.state'), lease_seconds: eb.ref('excluded.lease_seconds'), expires_at: eb.ref('excluded.expires_at'),
        requested_at: eb.ref('excluded.requested_at'), last_push_at: eb.ref('excluded.last_push_at'), last_error: eb.ref('excluded.last_error'),
      })))
      .execute();
  }

  async webSubsToRenew(expiringBefore: string, requestedBefore: string): Promise<WebSubSubscription[]> {
    const rows = await this.db
      .selectFrom('websub')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'active'), eb('expires_at', '<', expiringBefore)]),
          eb.and([eb('state', 'in', ['pending', 'failed']), eb('requested_at', '<', requestedBefore)]),
        ]),
      )
      .execute();
    return rows.map(toWebSub);
  }

  async articlesDueForRecheck(now: string, limit: number): Promise<Article[]> {
    const rows = await this.db.selectFrom('article').selectAll().where('next_recheck_at', '<=', now).orderBy('next_recheck_at').limit(limit).execute();
    return rows.map(toArticle);
  }

  async applyRecheck(articleId: number, write: ArticleWrite | null, nextRecheckAt: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (write) {
        const existing = await trx.selectFrom('article').selectAll().where('id', '=', articleId).executeTakeFirst();
        if (!existing) return;
        await updateArticle(trx, existing, write);
      }
      await trx.updateTable('article').set({ next_recheck_at: nextRecheckAt }).where('id', '=', articleId).execute();
    });
  }

  async countUsers(): Promise<number> {
    const row = await this.db.selectFrom('user').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async createUser(u: { name: string; passwordHash: string; isAdmin: boolean; now: string }): Promise<User> {
    const taken = await this.db.selectFrom('user').select('id').where('name', '=', u.name).executeTakeFirst();
    if (taken) throw new TidingsError('conflict', `a user named ${u.name} exists already`);
    const row = await this.db
      .insertInto('user')
      .values({ name: u.name, password_hash: u.passwordHash, is_admin: u.isAdmin ? 1 : 0, created_at: u.now })
      .returning(['id', 'name', 'is_admin', 'created_at'])
      .executeTakeFirstOrThrow();
    return { id: row.id, name: row.name, isAdmin: row.is_admin === 1, createdAt: row.created_at };
  }

  async getUserByName(name: string): Promise<(User & { passwordHash: string }) | null> {
    const row = await this.db.selectFrom('user').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? { id: row.id, name: row.name, isAdmin: row.is_admin === 1, createdAt: row.created_at, passwordHash: row.password_hash } : null;
  }

  async listUsers(): Promise<User[]> {
    const rows = await this.db.selectFrom('user').select(['id', 'name', 'is_admin', 'created_at']).orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, isAdmin: r.is_admin === 1, createdAt: r.created_at }));
  }

  async createSession(s: { userId: number; tokenHash: string; csrfToken: string; now: string; expiresAt: string }): Promise<void> {
    await this.db.insertInto('session').values({ token_hash: s.tokenHash, user_id: s.userId, csrf_token: s.csrfToken, created_at: s.now, expires_at: s.expiresAt }).execute();
  }

  async getSession(tokenHash: string, now: string): Promise<Session | null> {
    const row = await this.db
      .selectFrom('session')
      .innerJoin('user', 'user.id', 'session.user_id')
      .select(['session.csrf_token', 'session.expires_at', 'user.id', 'user.name', 'user.is_admin', 'user.created_at'])
      .where('session.token_hash', '=', tokenHash)
      .where('session.expires_at', '>', now)
      .executeTakeFirst();
    return row ? { user: { id: row.id, name: row.name, isAdmin: row.is_admin === 1, createdAt: row.created_at }, csrfToken: row.csrf_token, expiresAt: row.expires_at } : null;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('session').where('token_hash', '=', tokenHash).execute();
  }

  async setPassword(userId: number, passwordHash: string, keepSession: string | null): Promise<{ sessionsEnded: number }> {
    return this.db.transaction().execute(async (trx) => {
      await trx.updateTable('user').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
      let q = trx.deleteFrom('session').where('user_id', '=', userId);
      if (keepSession) q = q.where('token_hash', '!=', keepSession);
      const r = await q.executeTakeFirst();
      return { sessionsEnded: Number(r.numDeletedRows) };
    });
  }

  async subscribeUser(userId: number, feedId: number, folder: string | null, now: string, title: string | null = null): Promise<void> {
    await this.db
      .insertInto('subscription')
      .values({ user_id: userId, feed_id: feedId, folder, title, created_at: now })
      // Subscribing again with a folder or a name (an OPML import, say) files or names the feed so.
      .onConflict((oc) =>
        oc.columns(['user_id', 'feed_id']).doUpdateSet((eb) => ({
          folder: sql<string | null>`coalesce(${eb.ref('excluded.folder')}, subscription.folder)`,
          title: sql<string | null>`coalesce(${eb.ref('excluded.title')}, subscription.title)`,
        })),
      )
      .execute();
  }

  async subscribeToAll(userId: number, now: string): Promise<void> {
    await sql`insert into subscription (user_id, feed_id, folder, title, created_at) select ${userId}, id, null, null, ${now} from feed where true on conflict do nothing`.execute(this.db);
  }

  async unsubscribeUser(userId: number, feedId: number): Promise<boolean> {
    const r = await this.db.deleteFrom('subscription').where('user_id', '=', userId).where('feed_id', '=', feedId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async updateSubscription(userId: number, feedId: number, change: { title?: string | null; folder?: string | null }): Promise<boolean> {
    const patch: { title?: string | null; folder?: string | null } = {};
    if (change.title !== undefined) patch.title = change.title;
    if (change.folder !== undefined) patch.folder = change.folder;
    if (Object.keys(patch).length === 0) return false;
    const r = await this.db.updateTable('subscription').set(patch).where('user_id', '=', userId).where('feed_id', '=', feedId).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async subscribedFeed(userId: number, feedId: number): Promise<(FeedWithSource & { folder: string | null; customTitle: string | null }) | null> {
    const row = await this.feedQuery()
      .innerJoin('subscription', 'subscription.feed_id', 'feed.id')
      .select(['subscription.folder', 'subscription.title as custom_title'])
      .where('subscription.user_id', '=', userId)
      .where('feed.id', '=', feedId)
      .executeTakeFirst();
    return row ? { ...toFeed(row), folder: row.folder, customTitle: row.custom_title } : null;
  }

  async listSubscriptions(userId: number): Promise<Array<FeedWithSource & { folder: string | null; customTitle: string | null; itemsPerDay: number; activity: number[] }>> {
    const rows = await this.feedQuery()
      .innerJoin('subscription', 'subscription.feed_id', 'feed.id')
      .select(['subscription.folder', 'subscription.title as custom_title'])
      .select(sql<number>`(select count(*) from article_feed x where x.feed_id = feed.id and x.first_seen_at >= ${formatIsoDaysAgo(7)})`.as('week_count'))
      .where('subscription.user_id', '=', userId)
      .orderBy('source.name')
      .orderBy('feed.id')
      .execute();
    const firstDay = Date.parse(formatIsoDaysAgo(ACTIVITY_DAYS - 1).slice(0, 10));
    const day = this.dialect.utcDay(sql`article_feed.first_seen_at`);
    const counts = await this.db
      .selectFrom('article_feed')
      .innerJoin('subscription', 'subscription.feed_id', 'article_feed.feed_id')
      .where('subscription.user_id', '=', userId)
      .where('article_feed.first_seen_at', '>=', formatIso(firstDay))
      .select(['article_feed.feed_id', day.as('day'), sql<number>`count(*)`.as('n')])
      .groupBy(['article_feed.feed_id', day])
      .execute();
    const quiet = () => new Array<number>(ACTIVITY_DAYS).fill(0);
    const activity = new Map<number, number[]>();
    for (const c of counts) {
      const i = Math.round((Date.parse(c.day) - firstDay) / 86400_000);
      if (i < 0 || i >= ACTIVITY_DAYS) continue;
      const days = activity.get(c.feed_id) ?? quiet();
      days[i] = Number(c.n);
      activity.set(c.feed_id, days);
    }
    return rows.map((r) => ({
      ...toFeed(r),
      folder: r.folder,
      customTitle: r.custom_title,
      itemsPerDay: Math.round((Number(r.week_count) / 7) * 10) / 10,
      activity: activity.get(r.id) ?? quiet(),
    }));
  }

  async articleVisibleTo(userId: number, articleId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('article_feed')
      .innerJoin('subscription', 'subscription.feed_id', 'article_feed.feed_id')
      .select('article_feed.article_id')
      .where('article_feed.article_id', '=', articleId)
      .where('subscription.user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async createApiToken(t: { userId: number; tokenHash: string; name: string; now: string }): Promise<void> {
    await this.db.insertInto('api_token').values({ token_hash: t.tokenHash, user_id: t.userId, name: t.name, created_at: t.now, last_used_at: null }).execute();
  }

  async listApiTokens(userId: number): Promise<Array<{ id: string; name: string; createdAt: string; lastUsedAt: string | null }>> {
    const rows = await this.db.selectFrom('api_token').select(['token_hash', 'name', 'created_at', 'last_used_at']).where('user_id', '=', userId).orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.token_hash.slice(0, 12), name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  async revokeApiToken(userId: number, id: string): Promise<boolean> {
    if (!/^[0-9a-f]{12}$/.test(id)) return false;
    const r = await this.db.deleteFrom('api_token').where('user_id', '=', userId).where('token_hash', 'like', `${id}%`).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async userByApiToken(tokenHash: string, now: string): Promise<User | null> {
    const row = await this.db
      .selectFrom('api_token')
      .innerJoin('user', 'user.id', 'api_token.user_id')
      .select(['user.id', 'user.name', 'user.is_admin', 'user.created_at'])
      .where('api_token.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return null;
    await this.db.updateTable('api_token').set({ last_used_at: now }).where('token_hash', '=', tokenHash).execute();
    return { id: row.id, name: row.name, isAdmin: row.is_admin === 1, createdAt: row.created_at };
  }

  async setArticleState(userId: number, articleId: number, state: { read?: boolean; starred?: boolean }, now: string): Promise<void> {
    const patch: { read_at?: string | null; starred_at?: string | null } = {};
    if (state.read !== undefined) patch.read_at = state.read ? now : null;
    if (state.starred !== undefined) patch.starred_at = state.starred ? now : null;
    await this.db
      .insertInto('article_state')
      .values({ user_id: userId, article_id: articleId, read_at: patch.read_at ?? null, starred_at: patch.starred_at ?? null })
      .onConflict((oc) => oc.columns(['user_id', 'article_id']).doUpdateSet(patch))
      .execute();
  }

  async markAllRead(userId: number, opts: { feedId?: number; folder?: string; upTo: string }, now: string): Promise<number> {
    const result = await sql`
      insert into article_state (user_id, article_id, read_at, starred_at)
      select ${userId}, a.id, ${now}, null from article a
      where a.published_at <= ${opts.upTo}
        and exists (select 1 from article_feed af join subscription s on s.feed_id = af.feed_id
                    where af.article_id = a.id and s.user_id = ${userId} ${opts.feedId !== undefined ? sql`and af.feed_id = ${opts.feedId}` : sql``}
                    ${opts.folder !== undefined ? sql`and s.folder = ${opts.folder}` : sql``})
      on conflict (user_id, article_id) do update set read_at = coalesce(article_state.read_at, excluded.read_at)`.execute(this.db);
    return Number(result.numAffectedRows ?? 0);
  }

  async listArticles(q: ArticleQuery): Promise<ArticleListItem[]> {
    let query = this.db
      .selectFrom('article')
      .innerJoin('source', 'source.id', 'article.source_id')
      .select([
        'article.id',
        'article.title',
        'article.canonical_url',
        'article.published_at',
        'article.publisher_updated_at',
        'article.changed_at',
        sql<string>`substr(article.text, 1, 400)`.as('excerpt'),
        'source.name as source_name',
      ])
      .select((eb) =>
        eb
          .selectFrom('article_feed')
          .innerJoin('feed', 'feed.id', 'article_feed.feed_id')
          .select(sql<string | null>`coalesce(feed.section_override, feed.section)`.as('section'))
          .whereRef('article_feed.article_id', '=', 'article.id')
          .orderBy('article_feed.first_seen_at')
          .orderBy('article_feed.feed_id')
          .limit(1)
          .as('section'),
      );
    if (q.feedId !== undefined) {
      const feedId = q.feedId;
      query = query.where((eb) => eb.exists(eb.selectFrom('article_feed').select('article_feed.article_id').whereRef('article_feed.article_id', '=', 'article.id').where('article_feed.feed_id', '=', feedId)));
    }
    if (q.before) {
      const b = q.before;
      // A row-value comparison walks the (published_at, id) index; an OR of two conditions does not.
      query = query.where(sql<boolean>`(article.published_at, article.id) < (${b.publishedAt}, ${b.id})`);
    }
    if (q.userId !== undefined) {
      const userId = q.userId;
      query = query
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('article_feed')
              .innerJoin('subscription', 'subscription.feed_id', 'article_feed.feed_id')
              .select('article_feed.article_id')
              .whereRef('article_feed.article_id', '=', 'article.id')
              .where('subscription.user_id', '=', userId)
              // A reader's feed filter reaches only through their own subscription to it.
              .$if(q.feedId !== undefined, (qb) => qb.where('article_feed.feed_id', '=', q.feedId!))
              .$if(q.folder !== undefined, (qb) => qb.where('subscription.folder', '=', q.folder!)),
          ),
        )
        .leftJoin('article_state', (join) => join.onRef('article_state.article_id', '=', 'article.id').on('article_state.user_id', '=', userId))
        .select(['article_state.read_at', 'article_state.starred_at']) as unknown as typeof query;
      if (q.show === 'unread') query = query.where(sql<boolean>`article_state.read_at is null`);
      if (q.show === 'starred') query = query.where(sql<boolean>`article_state.starred_at is not null`);
    }
    const rows = await query.orderBy('article.published_at', 'desc').orderBy('article.id', 'desc').limit(q.limit).execute();
    return rows.map((r) => ({
      ...(q.userId !== undefined ? { read: !!(r as { read_at?: string | null }).read_at, starred: !!(r as { starred_at?: string | null }).starred_at } : {}),
      id: r.id,
      title: r.title,
      url: r.canonical_url,
      source: r.source_name,
      section: r.section ?? null,
      published: r.published_at,
      updated: updatedAtOf({ publishedAt: r.published_at, publisherUpdatedAt: r.publisher_updated_at, changedAt: r.changed_at }),
      excerpt: collapseWhitespace(r.excerpt),
    }));
  }

  async searchArticles(q: SearchQuery): Promise<SearchHit[]> {
    return searchArticles(this.db, this.dialect, q);
  }

  async getArticle(id: number): Promise<ArticleView | null> {
    const row = await this.db
      .selectFrom('article')
      .innerJoin('source', 'source.id', 'article.source_id')
      .selectAll('article')
      .select('source.name as source_name')
      .where('article.id', '=', id)
      .executeTakeFirst();
    if (!row) return null;
    const feed = await this.db
      .selectFrom('article_feed')
      .innerJoin('feed', 'feed.id', 'article_feed.feed_id')
      .select(['feed.section', 'feed.section_override'])
      .where('article_feed.article_id', '=', id)
      .orderBy('article_feed.first_seen_at')
      .orderBy('article_feed.feed_id')
      .executeTakeFirst();
    const images = await this.db.selectFrom('image').selectAll().where('article_id', '=', id).orderBy('position').execute();
    return {
      ...toArticle(row),
      sourceName: row.source_name,
      section: feed ? feed.section_override ?? feed.section : null,
      images: images.map((i) => ({ url: i.url, caption: i.caption, credit: i.credit, position: i.position })),
    };
  }

  async listRevisions(articleId: number): Promise<Revision[]> {
    const rows = await this.db.selectFrom('revision').select(['id', 'article_id', 'seen_at', 'reason', 'title', 'text', 'content_hash']).where('article_id', '=', articleId).orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, articleId: r.article_id, seenAt: r.seen_at, reason: r.reason as Revision['reason'], title: r.title, text: r.text, contentHash: r.content_hash }));
  }
}

type Db = Kysely<Database> | Transaction<Database>;

function formatIsoDaysAgo(days: number): string {
  return formatIso(Date.now() - days * 86400_000);
}

async function ensureSource(trx: Db, name: string, from: string, homepage: string | null, now: string): Promise<number> {
  const host = hostOf(homepage);
  if (host) {
    const found = await trx.selectFrom('source').select(['id', 'name_from']).where('host', '=', host).executeTakeFirst();
    if (found) {
      // A person's name for the publisher, or the publisher's own, beats one guessed from a feed title.
      if (rank(from) > rank(found.name_from)) await trx.updateTable('source').set({ name, name_from: from }).where('id', '=', found.id).execute();
      return found.id;
    }
  }
  const row = await trx.insertInto('source').values({ name, homepage, host, name_from: from, created_at: now }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

function rank(from: string): number {
  return from === 'user' ? 3 : from === 'site' ? 2 : 1;
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    // An address that does not parse has no host: the feed gets a source of its own.
    return null;
  }
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

async function linkArticle(trx: Db, articleId: number, feedId: number, guid: string | null, linkKey: string | null, at: string): Promise<boolean> {
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
    }
    return false;
  }
  await trx.insertInto('article_feed').values({ article_id: articleId, feed_id: feedId, guid, link_key: linkKey, first_seen_at: at }).execute();
  return true;
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
      title: a.title,
      byline: a.byline ?? existing.byline,
      publisher_updated_at: laterOf(existing.publisher_updated_at, a.publisherUpdatedAt),
      changed_at: a.seenAt,
      text: a.text,
      html: a.html,
      lead_image_url: a.leadImageUrl,
      lang: a.lang ?? existing.lang,
      word_count: a.wordCount,
      content_hash: a.keys.contentHash,
      feed_hash: a.feedHash || existing.feed_hash,
      extract_status: a.extractStatus,
      extract_error: a.extractError,
    })
    .where('id', '=', existing.id)
    .execute();
  await insertRevision(trx, existing.id, a);
  await replaceImages(trx, existing.id, a);
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

function toFeed(r: Selectable<FeedTable> & { source_name: string }): FeedWithSource {
  return {
    id: r.id,
    sourceId: r.source_id,
    sourceName: r.source_name,
    url: r.url,
    siteUrl: r.site_url,
    title: r.title,
    section: r.section_override ?? r.section,
    sourceOverride: r.source_override,
    sectionOverride: r.section_override,
    etag: r.etag,
    lastModified: r.last_modified,
    lastFetchedAt: r.last_fetched_at,
    lastStatus: r.last_status as FeedStatus,
    lastErrorCode: r.last_error_code,
    lastError: r.last_error,
    errorCount: r.error_count,
    nextCheckAt: r.next_check_at,
    intervalSeconds: r.interval_seconds,
    createdAt: r.created_at,
    health: r.last_status === 'new' ? 'new' : r.last_status !== 'error' ? 'ok' : r.error_count >= FAILING_AFTER_ERRORS ? 'failing' : 'erroring',
  };
}

function toWebSub(r: Selectable<WebSubTable>): WebSubSubscription {
  return {
    feedId: r.feed_id, hub: r.hub, topic: r.topic, secret: r.secret, callbackToken: r.callback_token, state: r.state as WebSubSubscription['state'],
    leaseSeconds: r.lease_seconds, expiresAt: r.expires_at, requestedAt: r.requested_at, lastPushAt: r.last_push_at, lastError: r.last_error,
  };
}

function toArticle(r: Selectable<ArticleTable>): Article {
  return {
    id: r.id,
    sourceId: r.source_id,
    guid: r.guid,
    url: r.url,
    canonicalUrl: r.canonical_url,
    title: r.title,
    byline: r.byline,
    publishedAt: r.published_at,
    publisherUpdatedAt: r.publisher_updated_at,
    changedAt: r.changed_at,
    firstSeenAt: r.first_seen_at,
    text: r.text,
    html: r.html,
    leadImageUrl: r.lead_image_url,
    lang: r.lang,
    wordCount: r.word_count,
    contentHash: r.content_hash,
    feedHash: r.feed_hash,
    extractStatus: r.extract_status as Article['extractStatus'],
    extractError: r.extract_error,
  };
}
