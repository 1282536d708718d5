import type { CompiledQuery, Kysely } from 'kysely';
import type { Session, User } from '../model/article.js';
import { TidingsError } from '../model/errors.js';
import type { Database, Db } from './schema.js';
import { toApiToken, toSession, toUser } from './rows.js';

/** Readers: user accounts, their sign-in sessions and API tokens. */

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('user').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function createUser(db: Db, u: { name: string; passwordHash: string; isAdmin: boolean; now: string }): Promise<User> {
  const taken = await db.selectFrom('user').select('id').where('name', '=', u.name).executeTakeFirst();
  if (taken) throw new TidingsError('conflict', `a user named ${u.name} exists already`);
  const row = await db
    .insertInto('user')
    .values({ name: u.name, password_hash: u.passwordHash, is_admin: u.isAdmin ? 1 : 0, created_at: u.now })
    .returning(['id', 'name', 'is_admin', 'created_at'])
    .executeTakeFirstOrThrow();
  return toUser(row);
}

export async function getUserByName(db: Db, name: string): Promise<(User & { passwordHash: string }) | null> {
  const row = await db.selectFrom('user').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
}

export async function listUsers(db: Db): Promise<User[]> {
  const rows = await db.selectFrom('user').select(['id', 'name', 'is_admin', 'created_at']).orderBy('id').execute();
  return rows.map(toUser);
}

export async function createSession(db: Db, s: { userId: number; tokenHash: string; csrfToken: string; now: string; expiresAt: string }): Promise<void> {
  await db.insertInto('session').values({ token_hash: s.tokenHash, user_id: s.userId, csrf_token: s.csrfToken, created_at: s.now, expires_at: s.expiresAt }).execute();
}

export async function getSession(db: Db, tokenHash: string, now: string): Promise<Session | null> {
  const row = await db
    .selectFrom('session')
    .innerJoin('user', 'user.id', 'session.user_id')
    .select(['session.csrf_token', 'session.expires_at', 'session.flash', 'user.id', 'user.name', 'user.is_admin', 'user.created_at'])
    .where('session.token_hash', '=', tokenHash)
    .where('session.expires_at', '>', now)
    .executeTakeFirst();
  return row ? toSession(row) : null;
}

export async function setSessionFlash(db: Db, tokenHash: string, flash: string | null): Promise<void> {
  await db.updateTable('session').set({ flash }).where('token_hash', '=', tokenHash).execute();
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('session').where('token_hash', '=', tokenHash).execute();
}

export async function setPassword(db: Kysely<Database>, userId: number, passwordHash: string, keepSession: string | null): Promise<{ sessionsEnded: number }> {
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('user').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
    let q = trx.deleteFrom('session').where('user_id', '=', userId);
    if (keepSession) q = q.where('token_hash', '!=', keepSession);
    const r = await q.executeTakeFirst();
    return { sessionsEnded: Number(r.numDeletedRows) };
  });
}

export async function createApiToken(db: Db, t: { userId: number; tokenHash: string; name: string; now: string }): Promise<void> {
  await db.insertInto('api_token').values({ token_hash: t.tokenHash, user_id: t.userId, name: t.name, created_at: t.now, last_used_at: null }).execute();
}

export async function listApiTokens(db: Db, userId: number): Promise<Array<{ id: string; name: string; createdAt: string; lastUsedAt: string | null }>> {
  const rows = await db.selectFrom('api_token').select(['token_hash', 'name', 'created_at', 'last_used_at']).where('user_id', '=', userId).orderBy('created_at').execute();
  return rows.map(toApiToken);
}

export async function revokeApiToken(db: Db, userId: number, id: string): Promise<boolean> {
  if (!/^[0-9a-f]{12}$/.test(id)) return false;
  const r = await db.deleteFrom('api_token').where('user_id', '=', userId).where('token_hash', 'like', `${id}%`).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function userByApiToken(db: Db, tokenHash: string, now: string): Promise<User | null> {
  const row = await db
    .selectFrom('api_token')
    .innerJoin('user', 'user.id', 'api_token.user_id')
    .select(['user.id', 'user.name', 'user.is_admin', 'user.created_at'])
    .where('api_token.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return null;
  await db.updateTable('api_token').set({ last_used_at: now }).where('token_hash', '=', tokenHash).execute();
  return toUser(row);
}

/** Sets (or replaces) a reader's Fever key, bound to the name it was made with. */
export async function setFeverKey(db: Db, k: { userId: number; keyHash: string; userName: string; now: string }): Promise<void> {
  await db
    .insertInto('fever_key')
    .values({ user_id: k.userId, key_hash: k.keyHash, user_name: k.userName, created_at: k.now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ key_hash: k.keyHash, user_name: k.userName, created_at: k.now }))
    .execute();
}

export async function removeFeverKey(db: Db, userId: number): Promise<boolean> {
  const r = await db.deleteFrom('fever_key').where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function feverKeySetAt(db: Db, userId: number): Promise<string | null> {
  const row = await db.selectFrom('fever_key').select('created_at').where('user_id', '=', userId).executeTakeFirst();
  return row?.created_at ?? null;
}

/** The reader a Fever key belongs to, while they still bear the name it was made with. */
export async function userByFeverKey(db: Db, keyHash: string): Promise<User | null> {
  const row = await db
    .selectFrom('fever_key')
    .innerJoin('user', 'user.id', 'fever_key.user_id')
    .select(['user.id', 'user.name', 'user.is_admin', 'user.created_at'])
    .where('fever_key.key_hash', '=', keyHash)
    .whereRef('fever_key.user_name', '=', 'user.name')
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

/** Sets (or replaces: the old secret stops working at once) a reader's secret for their feeds out. */
export async function setSyndicationSecret(db: Db, userId: number, tokenHash: string, now: string): Promise<void> {
  await db
    .insertInto('syndication_secret')
    .values({ user_id: userId, token_hash: tokenHash, created_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ token_hash: tokenHash, created_at: now }))
    .execute();
}

export async function deleteSyndicationSecret(db: Db, userId: number): Promise<boolean> {
  const r = await db.deleteFrom('syndication_secret').where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function syndicationSecret(db: Db, userId: number): Promise<{ tokenHash: string; createdAt: string } | null> {
  const row = await db.selectFrom('syndication_secret').select(['token_hash', 'created_at']).where('user_id', '=', userId).executeTakeFirst();
  return row ? { tokenHash: row.token_hash, createdAt: row.created_at } : null;
}

export async function userBySyndicationSecret(db: Db, tokenHash: string): Promise<User | null> {
  const row = await db
    .selectFrom('syndication_secret')
    .innerJoin('user', 'user.id', 'syndication_secret.user_id')
    .select(['user.id', 'user.name', 'user.is_admin', 'user.created_at'])
    .where('syndication_secret.token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

/**
 * What a reader's pages depend on, as a version that changes when any of it does: the newest
 * article, revision and deletion (from any process), then, after the colon, the reader's
 * own state count. Each part is one index lookup. Asked on every page, 304s included: the
 * query is built and compiled once per connection and run with the reader's id.
 */
export async function readerVersion(db: Db, userId: number): Promise<string> {
  const compiled = versionQueryOf(db);
  const { rows } = await db.executeQuery<VersionRow>({ ...compiled, parameters: [userId] });
  const row = rows[0]!;
  return `${row.articles ?? 0}.${row.revisions ?? 0}.${row.tombstones ?? 0}.${row.placements ?? 0}:${row.state ?? 0}`;
}

export async function foldsStories(db: Db, userId: number): Promise<boolean> {
  const row = await db.selectFrom('user').select('fold_stories').where('id', '=', userId).executeTakeFirst();
  return Number(row?.fold_stories ?? 1) === 1;
}

/** A change of what the river shows, so it counts in the reader's version like read and starred do. */
export async function setFoldsStories(db: Db, userId: number, on: boolean): Promise<void> {
  await db
    .updateTable('user')
    .set((eb) => ({ fold_stories: on ? 1 : 0, state_version: eb('state_version', '+', 1) }))
    .where('id', '=', userId)
    .where('fold_stories', '=', on ? 0 : 1)
    .execute();
}

interface VersionRow {
  articles: number | null;
  revisions: number | null;
  tombstones: number | null;
  placements: number | null;
  state: number | null;
}

const versionQueries = new WeakMap<Db, CompiledQuery<VersionRow>>();

function versionQueryOf(db: Db): CompiledQuery<VersionRow> {
  let compiled = versionQueries.get(db);
  if (!compiled) {
    compiled = db
      .selectNoFrom((eb) => [
        eb.selectFrom('article').select((e) => e.fn.max('id').as('m')).as('articles'),
        eb.selectFrom('revision').select((e) => e.fn.max('id').as('m')).as('revisions'),
        eb.selectFrom('tombstone').select((e) => e.fn.max('id').as('m')).as('tombstones'),
        // Placements come after their article is stored and change how the river folds.
        eb.selectFrom('article_story').select((e) => e.fn.max('seq').as('m')).as('placements'),
        eb.selectFrom('user').select('state_version').where('id', '=', 0).as('state'),
      ])
      .compile() as CompiledQuery<VersionRow>;
    // The reader's id must be its one parameter, or the compiled query cannot be reused.
    if (compiled.parameters.length !== 1) throw new TidingsError('internal', 'the reader version query has more than the reader as a parameter');
    versionQueries.set(db, compiled);
  }
  return compiled;
}
