import type { WebSubSubscription } from '../model/article.js';
import type { Db } from './schema.js';
import { toWebSub } from './rows.js';

/** WebSub leases: a feed's subscription at its hub. */

export async function getWebSub(db: Db, feedId: number): Promise<WebSubSubscription | null> {
  const row = await db.selectFrom('websub').selectAll().where('feed_id', '=', feedId).executeTakeFirst();
  return row ? toWebSub(row) : null;
}

export async function getWebSubByToken(db: Db, token: string): Promise<WebSubSubscription | null> {
  const row = await db.selectFrom('websub').selectAll().where('callback_token', '=', token).executeTakeFirst();
  return row ? toWebSub(row) : null;
}

export async function saveWebSub(db: Db, w: WebSubSubscription): Promise<void> {
  const row = {
    feed_id: w.feedId, hub: w.hub, topic: w.topic, secret: w.secret, callback_token: w.callbackToken, state: w.state,
    lease_seconds: w.leaseSeconds, expires_at: w.expiresAt, requested_at: w.requestedAt, last_push_at: w.lastPushAt, last_error: w.lastError,
  };
  await db
    .insertInto('websub')
    .values(row)
    .onConflict((oc) => oc.column('feed_id').doUpdateSet((eb) => ({
      hub: eb.ref('excluded.hub'), topic: eb.ref('excluded.topic'), secret: eb.ref('excluded.secret'), callback_token: eb.ref('excluded.callback_token'),
      state: eb.ref('excluded.state'), lease_seconds: eb.ref('excluded.lease_seconds'), expires_at: eb.ref('excluded.expires_at'),
      requested_at: eb.ref('excluded.requested_at'), last_push_at: eb.ref('excluded.last_push_at'), last_error: eb.ref('excluded.last_error'),
    })))
    .execute();
}

export async function webSubsToRenew(db: Db, expiringBefore: string, requestedBefore: string): Promise<WebSubSubscription[]> {
  const rows = await db
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
