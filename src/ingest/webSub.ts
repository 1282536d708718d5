import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FeedWithSource, WebSubSubscription } from '../model/article.js';
import type { ParsedFeed } from '../model/feed.js';
import { logError } from '../log/loggedError.js';
import { formatIso } from '../text/dates.js';
import type { Pipeline } from './pipeline.js';

/**
 * WebSub (W3C, formerly PubSubHubbub): when a feed names a hub, Tidings asks the hub to
 * push new content to a callback URL, confirms the hub's verification of intent, checks
 * the HMAC signature of every push, and feeds pushed documents through the same
 * processor as polled ones. Polling goes on, slower, while pushes keep arriving, and at
 * the normal pace again as soon as the hub falls silent.
 */

/** How long after the last sign of life from a hub polling stays slowed down. */
export const PUSH_FRESH_SECONDS = 24 * 3600;
/** Polling interval floor while pushes arrive. */
export const PUSH_POLL_FLOOR_SECONDS = 6 * 3600;

function callbackUrl(p: Pipeline, token: string): string {
  return `${p.config.publicUrl}/websub/${token}`;
}

/** After a successful refresh: subscribe at the feed's hub if we are not subscribed (or the hub or topic moved). */
export async function ensureWebSub(p: Pipeline, feed: FeedWithSource, parsed: ParsedFeed): Promise<WebSubSubscription | null> {
  if (!p.config.publicUrl) return null;
  const hub = parsed.hubs[0];
  if (!hub) return null;
  const topic = parsed.selfUrl ?? feed.url;
  const existing = await p.store.getWebSub(feed.id);
  if (existing && existing.hub === hub && existing.topic === topic && existing.state !== 'denied') return existing;
  if (existing?.state === 'denied' && existing.hub === hub && existing.topic === topic) return existing;
  return requestSubscription(p, feed.id, hub, topic, existing);
}

export async function requestSubscription(p: Pipeline, feedId: number, hub: string, topic: string, existing: WebSubSubscription | null): Promise<WebSubSubscription> {
  const sub: WebSubSubscription = {
    feedId,
    hub,
    topic,
    secret: existing?.secret ?? randomBytes(24).toString('hex'),
    callbackToken: existing?.callbackToken ?? randomBytes(18).toString('base64url'),
    state: existing?.state === 'active' ? 'active' : 'pending',
    leaseSeconds: existing?.leaseSeconds ?? null,
    expiresAt: existing?.expiresAt ?? null,
    requestedAt: formatIso(p.now().getTime()),
    lastPushAt: existing?.lastPushAt ?? null,
    lastError: null,
  };
  // Saved before asking: the hub may verify before its answer to us arrives.
  await p.store.saveWebSub(sub);
  try {
    const res = await p.fetcher.postForm(hub, {
      'hub.mode': 'subscribe',
      'hub.topic': topic,
      'hub.callback': callbackUrl(p, sub.callbackToken),
      'hub.secret': sub.secret,
      'hub.lease_seconds': String(p.config.webSubLeaseSeconds),
    });
    if (res.status !== 202 && res.status !== 204 && res.status !== 200) {
      sub.state = sub.state === 'active' ? 'active' : 'failed';
      sub.lastError = `hub answered HTTP ${res.status}: ${res.body.slice(0, 200)}`;
    }
  } catch (err) {
    const e = logError(err, 'asking a WebSub hub to push failed', { feed: feedId, hub });
    sub.state = sub.state === 'active' ? 'active' : 'failed';
    sub.lastError = `${e.code}: ${e.message}`;
  }
  const latest = await p.store.getWebSub(feedId);
  // Keep a verification that happened while we waited for the hub's answer.
  if (latest && latest.state === 'active' && sub.state !== 'failed') return latest;
  if (latest && latest.state === 'active') {
    latest.lastError = sub.lastError;
    await p.store.saveWebSub(latest);
    return latest;
  }
  await p.store.saveWebSub(sub);
  return sub;
}

/** The hub's GET to the callback: echo the challenge only for a subscription we asked for. */
export async function verifyIntent(p: Pipeline, token: string, query: Record<string, string | undefined>): Promise<{ status: number; body: string }> {
  const sub = await p.store.getWebSubByToken(token);
  const mode = query['hub.mode'];
  if (!sub || query['hub.topic'] !== sub.topic) return { status: 404, body: 'unknown subscription' };
  if (mode === 'denied') {
    await p.store.saveWebSub({ ...sub, state: 'denied', lastError: `hub denied: ${query['hub.reason'] ?? 'no reason given'}` });
    return { status: 200, body: '' };
  }
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || !challenge) return { status: 404, body: 'not a subscription we asked for' };
  const lease = Number.parseInt(query['hub.lease_seconds'] ?? '', 10);
  const leaseSeconds = Number.isFinite(lease) && lease > 0 ? lease : p.config.webSubLeaseSeconds;
  const now = p.now().getTime();
  await p.store.saveWebSub({ ...sub, state: 'active', leaseSeconds, expiresAt: formatIso(now + leaseSeconds * 1000), lastError: null });
  return { status: 200, body: challenge };
}

/** X-Hub-Signature (sha1/sha256/sha384/sha512=hex) of the raw body, checked in constant time. */
export function signatureValid(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const m = /^(sha1|sha256|sha384|sha512)=([0-9a-f]+)$/i.exec(header.trim());
  if (!m) return false;
  const expected = createHmac(m[1]!.toLowerCase(), secret).update(body).digest();
  const given = Buffer.from(m[2]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type PushIngest = (feed: FeedWithSource, body: Buffer, contentType: string | null) => Promise<unknown>;

/**
 * A push from the hub. Answered 2xx whatever happens (as the spec asks) so the hub does
 * not retry a push we chose to ignore; content with a missing or wrong signature is
 * dropped unread.
 */
export async function receivePush(
  p: Pipeline,
  token: string,
  body: Buffer,
  headers: Record<string, string | string[] | undefined>,
  ingest: PushIngest,
): Promise<{ status: number; accepted: boolean; reason?: string }> {
  const sub = await p.store.getWebSubByToken(token);
  if (!sub) return { status: 404, accepted: false, reason: 'unknown subscription' };
  const header = headers['x-hub-signature-256'] ? `sha256=${String(headers['x-hub-signature-256']).replace(/^sha256=/, '')}` : (headers['x-hub-signature'] as string | undefined);
  if (!signatureValid(sub.secret, body, header)) return { status: 202, accepted: false, reason: 'bad or missing signature' };
  const feed = await p.store.getFeed(sub.feedId);
  if (!feed) return { status: 202, accepted: false, reason: 'feed removed' };
  await p.store.saveWebSub({ ...sub, lastPushAt: formatIso(p.now().getTime()) });
  await ingest(feed, body, (headers['content-type'] as string | undefined) ?? null);
  return { status: 202, accepted: true };
}

/** Renews leases that end within a day and retries requests the hub never confirmed. */
export async function renewWebSubs(p: Pipeline): Promise<number> {
  const due = await webSubsDue(p);
  for (const sub of due) await requestSubscription(p, sub.feedId, sub.hub, sub.topic, sub);
  return due.length;
}

/** Leases to renew now (none when this instance cannot be reached by hubs). */
export async function webSubsDue(p: Pipeline): Promise<WebSubSubscription[]> {
  if (!p.config.publicUrl) return [];
  const now = p.now().getTime();
  return p.store.webSubsToRenew(formatIso(now + 86400_000), formatIso(now - 3600_000));
}

/** One feed's lease renewed (a renew-websub job); a subscription gone since is left alone. */
export async function renewWebSub(p: Pipeline, feedId: number): Promise<void> {
  const sub = await p.store.getWebSub(feedId);
  if (sub && p.config.publicUrl) await requestSubscription(p, sub.feedId, sub.hub, sub.topic, sub);
}

/** True while the hub has shown signs of life recently enough to poll less often. */
export function pushIsFresh(sub: WebSubSubscription | null, now: Date): boolean {
  if (!sub || sub.state !== 'active') return false;
  const verifiedAt = sub.expiresAt && sub.leaseSeconds ? Date.parse(sub.expiresAt) - sub.leaseSeconds * 1000 : 0;
  const lastSign = Math.max(sub.lastPushAt ? Date.parse(sub.lastPushAt) : 0, verifiedAt);
  return now.getTime() - lastSign < PUSH_FRESH_SECONDS * 1000;
}
