import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import type { User } from '../model/article.js';
import type { FeedRules } from '../model/feed.js';
import { TidingsError, asTidingsError } from '../model/errors.js';
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
 * `POST /feeds/:id/rules` for the Feeds page's form: fields `keep` and `remove`, one selector
 * a line, and `_csrf` (checked with the session in auth.ts before this runs). Answers with
 * a redirect to the Feeds page, with a note or an `error[code]: …` to show.
 */
export default async function feedRulesRoutes(app: FastifyInstance, opts: { store: Store; now?: () => Date }): Promise<void> {
  const now = opts.now ?? (() => new Date());
  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>('/feeds/:id/rules', async (req, reply) => {
    const id = Number(req.params.id);
    if (!req.session || !Number.isInteger(id) || id < 1) return reply.code(400).send('bad request');
    try {
      const saved = await saveFeedRules(opts.store, req.session.user, id, { keep: lines(req.body?.keep), remove: lines(req.body?.remove) }, now());
      const note = `Rules saved: ${saved.keep.length} to keep, ${saved.remove.length} to remove; they apply from the next page read.`;
      return reply.redirect(`/feeds?note=${encodeURIComponent(note)}`, 303);
    } catch (err) {
      const e = asTidingsError(err);
      // Ours (a lost database): the app's error page, and logged there, not shown as the reader's mistake.
      if (e.code === 'internal') throw err;
      return reply.redirect(`/feeds?error=${encodeURIComponent(`error[${e.code}]: ${e.message}`)}`, 303);
    }
  });
}
