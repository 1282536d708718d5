import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import type { Pipeline } from '../ingest/pipeline.js';
import type { JobQueue } from '../jobs/jobQueue.js';
import { STARTER_OPML } from '../config.js';
import { formatIso } from '../text/dates.js';
import { errorFlash, setFlash } from './flash.js';

/** What a reader who follows nothing may start with. */
export interface Onboarding {
  /** The instance's feeds this reader does not follow. */
  feeds: Array<{ id: number; title: string; siteUrl: string | null }>;
  /** Whether the starter list of world-news feeds can be subscribed to. */
  starter: boolean;
}

/** Most of the instance's feeds offered to a newcomer at once. */
const OFFERED = 100;

/** A newcomer's choices, or null for a reader who follows something already (their river is never replaced). */
export async function onboardingFor(store: Store, userId: number, hasPipeline: boolean): Promise<Onboarding | null> {
  if ((await store.listSubscriptions(userId)).length > 0) return null;
  return { feeds: await store.unfollowedFeeds(userId, OFFERED), starter: hasPipeline && fs.existsSync(STARTER_OPML) };
}

/** Following one of the instance's feeds (no fetch: the feed is known), and taking the starter list. */
export function registerOnboardingRoutes(app: FastifyInstance, opts: { store: Store; pipeline?: Pipeline; jobs?: Pick<JobQueue, 'send'> | null; now: () => Date }): void {
  const { store } = opts;

  app.post<{ Params: { id: string } }>('/feeds/:id/follow', async (req, reply) => {
    const id = Number(req.params.id);
    if (!req.session || !Number.isInteger(id)) return reply.code(400).send('bad request');
    const feed = await store.getFeed(id);
    if (!feed) return reply.redirect('/', 303);
    await store.subscribeUser(req.session.user.id, id, null, formatIso(opts.now().getTime()));
    await setFlash(store, req, { kind: 'ok', message: `Following ${feed.section ? `${feed.sourceName} (${feed.section})` : feed.sourceName}` });
    return reply.redirect('/', 303);
  });

  app.post('/feeds/starter', async (req, reply) => {
    const pipeline = opts.pipeline;
    if (!req.session || !pipeline) return reply.code(400).send('bad request');
    const userId = req.session.user.id;
    try {
      const opml = fs.readFileSync(STARTER_OPML, 'utf8');
      const { importOpml, describeImport, saveImportOutcome } = await import('../ingest/opmlImport.js');
      if (opts.jobs) {
        await saveImportOutcome(pipeline, userId, { state: 'queued', at: formatIso(opts.now().getTime()), summary: null, skipped: [], error: null });
        await opts.jobs.send('import-opml', { userId, opml });
        await setFlash(store, req, { kind: 'ok', message: 'Subscribing to the starter list: the Feeds page shows how it goes.' });
        return reply.redirect('/feeds', 303);
      }
      const r = await importOpml(pipeline, opml, { readers: [userId], keepUnreachable: true });
      await setFlash(store, req, { kind: 'ok', message: describeImport(r) });
    } catch (err) {
      await setFlash(store, req, errorFlash(err));
    }
    return reply.redirect('/feeds', 303);
  });
}
