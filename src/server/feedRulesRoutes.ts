import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import type { User } from '../model/article.js';
import type { FeedRules } from '../model/feed.js';
import { TidingsError, asTidingsError } from '../model/errors.js';
import { subscriptionTitle } from '../model/article.js';
import { errorFlash, setFlash } from './flash.js';
import { pageChrome } from './ui/pageChrome.js';
import { errorPage } from './ui/views/error.js';
import { feedRulesPage } from './ui/views/feedRules.js';
import { validFeedRules } from '../extract/feedRules.js';
import { formatIso } from '../text/dates.js';

/**
 * A feed's own extraction rules (keep/remove CSS selectors). A feed is shared and so is the
 * article extracted from its pages: rules set by one reader change what every reader of
 * the feed gets. So any subscriber may read them, and only an administrator or the feed's
 * only subscriber may set them. A feed the reader does not follow answers as if it did
 * not exist (administrators see every feed).
 */
export interface FeedRulesView extends FeedRules {
  /** Whether this reader may set them. */
  editable: boolean;
}

export async function feedRulesFor(store: Store, user: User, feedId: number): Promise<FeedRulesView> {
  const followed = await store.subscribedFeed(user.id, feedId);
  if (!followed && !(user.isAdmin && (await store.getFeed(feedId)))) throw new TidingsError('not_found', 'no such feed');
  const editable = user.isAdmin || (await store.feedSubscriberCount(feedId)) === 1;
  return { ...((await store.getFeedRules(feedId)) ?? { keep: [], remove: [] }), editable };
}

/** Checks who asks before what they send; then the selectors (`invalid_selector`); then saves. */
export async function saveFeedRules(store: Store, user: User, feedId: number, input: { keep?: unknown; remove?: unknown }, now: Date): Promise<FeedRulesView> {
  const { editable } = await feedRulesFor(store, user, feedId);
  if (!editable) throw new TidingsError('forbidden', "other readers follow this feed and its rules shape the articles they get: only an administrator may set them");
  const rules = validFeedRules(input);
  await store.setFeedRules(feedId, rules, { userId: user.id, now: formatIso(now.getTime()) });
  return { ...rules, editable };
}

/** A form field of one selector a line (a repeated field is taken line by line too). */
function lines(field: unknown): string[] {
  const values = Array.isArray(field) ? field : [field ?? ''];
  return values.flatMap((v) => String(v).split(/\r?\n/));
}

/**
 * The Feeds page's rules, `GET /feeds/:id/rules` (the form) and `POST /feeds/:id/rules`
 * (fields `keep` and `remove`, one selector a line, and `_csrf`, checked with the session in
 * auth.ts before this runs). The outcome travels as a flash message in the session.
 */
export default async function feedRulesRoutes(app: FastifyInstance, opts: { store: Store; now?: () => Date }): Promise<void> {
  const now = opts.now ?? (() => new Date());
  const chromeFor = pageChrome(opts.store, false);
  app.get<{ Params: { id: string } }>('/feeds/:id/rules', async (req, reply) => {
    const id = Number(req.params.id);
    if (!req.session) return reply.redirect(`/login?next=${encodeURIComponent(`/feeds/${req.params.id}/rules`)}`, 303);
    const feed = Number.isInteger(id) && id > 0 ? await opts.store.getFeed(id) : null;
    const rules = feed ? await feedRulesFor(opts.store, req.session.user, id).catch(notFoundAsNull) : null;
    reply.type('text/html; charset=utf-8');
    if (!feed || !rules) return reply.code(404).send(errorPage(404, 'No such feed.'));
    const followed = await opts.store.subscribedFeed(req.session.user.id, id);
    return feedRulesPage({ feedId: id, name: subscriptionTitle(followed ?? feed), ...rules, chrome: await chromeFor(req) });
  });
  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>('/feeds/:id/rules', async (req, reply) => {
    const id = Number(req.params.id);
    if (!req.session || !Number.isInteger(id) || id < 1) return reply.code(400).send('bad request');
    const input = { keep: lines(req.body?.keep), remove: lines(req.body?.remove) };
    try {
      const saved = await saveFeedRules(opts.store, req.session.user, id, input, now());
      const message = `Rules saved: ${saved.keep.length} to keep, ${saved.remove.length} to remove; they apply from the next page read.`;
      await setFlash(opts.store, req, { kind: 'ok', message });
    } catch (err) {
      // Ours (a lost database): the app's error page, and logged there, not shown as the reader's mistake.
      if (asTidingsError(err).code === 'internal') throw err;
      if (asTidingsError(err).code === 'not_found') return reply.code(404).type('text/html; charset=utf-8').send(errorPage(404, 'No such feed.'));
      await setFlash(opts.store, req, errorFlash(err, { keep: input.keep.join('\n'), remove: input.remove.join('\n') }));
    }
    return reply.redirect(`/feeds/${id}/rules`, 303);
  });
}

function notFoundAsNull(err: unknown): null {
  if (asTidingsError(err).code === 'not_found') return null;
  throw err;
}
