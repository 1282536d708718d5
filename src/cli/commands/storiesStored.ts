import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { withStore } from '../context.js';
import { writeOut } from '../batch.js';
import { TidingsError } from '../../model/errors.js';
import { terminalLine } from '../../render/terminalText.js';
import type { StoryDetail, StorySummary } from '../../store/store.js';

export const STORED_USAGE = `
Usage: tidings stories [--limit N] [--json] [--db PATH | --database-url URL]
       tidings stories show ID [--json]
       tidings stories rebuild
       tidings stories cluster FILE.jsonl

Without a subcommand: the most recently active stories (id, title, sources, copies).
show ID: one story's articles by source with times, who reported first, its entities,
and its figures with their attributions, disagreements flagged. rebuild: places every
stored article again, in arrival order, exactly as ingestion does, and indexes the
entities of facts stored before the river's entity filter existed. cluster: see
docs/stories-cli.md (no database).
`;

const OPTIONS = { ...DB_OPTION, json: { type: 'boolean' }, limit: { type: 'string' } } as const;

export async function runStored(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, OPTIONS, STORED_USAGE);
  if (!parsed) return;
  const [sub, id] = parsed.positionals;
  const json = !!parsed.values.json;
  const where = { db: parsed.values.db, databaseUrl: parsed.values['database-url'] };
  if (sub === undefined) return withStore(where, async (store) => printList(await store.listStories({ limit: limitOf(parsed.values.limit) }), json));
  if (sub === 'show') {
    const storyId = Number(id);
    if (!id || !Number.isInteger(storyId) || storyId < 1) throw usageError('stories show needs a numeric story ID');
    return withStore(where, async (store) => {
      const detail = await store.storyDetail(undefined, storyId);
      if (!detail) throw new TidingsError('not_found', `no story with id ${storyId}`);
      await printStory(detail, json);
    });
  }
  if (sub === 'rebuild') return withStore(where, (store) => rebuild(store, json));
  throw usageError(`unknown stories subcommand "${sub}"`);
}

function limitOf(raw: string | undefined): number {
  if (raw === undefined) return 30;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw usageError('--limit takes a number from 1 to 1000');
  return n;
}

function printList(stories: StorySummary[], json: boolean): void {
  if (json) return writeOut(JSON.stringify(stories));
  const lines = stories.map((s) => `${String(s.id).padStart(7)}  ${String(s.sources).padStart(2)} sources  ${String(s.copies).padStart(2)} copies  ${s.lastSeen.slice(0, 16)}  ${terminalLine(s.title)}`);
  writeOut(lines.length ? lines.join('\n') : 'no stories yet');
}

/** The story as text or JSON; `--json` is the API's shape. */
export async function printStory(detail: StoryDetail, json: boolean): Promise<void> {
  const { storyPageData } = await import('../../stories/storyReport.js');
  const page = storyPageData(detail.story, detail.articles);
  if (json) return writeOut(JSON.stringify(page));
  const t = terminalLine;
  const out = [`Story ${page.id}: ${t(page.title)}`, `${page.articles.length} articles, ${page.sources} sources, ${page.copies} copies`];
  if (page.first) out.push(`First: ${t(page.first.source)} at ${page.first.published}`);
  out.push('', 'Articles by source:');
  for (const s of page.bySource) {
    out.push(`  ${t(s.source)}`);
    for (const a of s.articles) out.push(`    ${a.published}  #${a.id}  ${t(a.title)}${a.copyOf !== null ? `  (copy of #${a.copyOf})` : ''}`);
  }
  for (const g of page.copyGroups) out.push('', `Copy group of #${g.original}: ${g.copies.map((c) => `#${c}`).join(', ')} (also in: ${g.sources.map(t).join(', ')})`);
  if (page.entities.length) out.push('', 'Entities:', ...page.entities.map((e) => `  ${t(e.name)} (${e.type}, ${e.sources} sources)`));
  if (page.figures.length) out.push('', 'Figures:');
  for (const m of page.figures) {
    out.push(`  ${t(m.unit)}${m.disagreement ? '  DISAGREEMENT' : ''}`);
    for (const r of m.reports) out.push(`    ${t(r.source)}: ${t(r.text)}${r.attribution ? ` (${t(r.attribution)})` : ''}`);
  }
  writeOut(out.join('\n'));
}

async function rebuild(store: import('../../store/store.js').Store, json: boolean): Promise<void> {
  const { factsInPool, rebuildStories } = await import('../../ingest/storyPlacer.js');
  const { factsPoolOf } = await import('../../ingest/pipeline.js');
  const { ProgressBar } = await import('../progressBar.js');
  const batch = 1000;
  const total = await store.countArticlesForStories();
  const bar = new ProgressBar(Math.ceil(total / batch), 'stories');
  const started = Date.now();
  // Facts of changed texts are found in the pool's thread while the batch is placed. The
  // pool is the rebuild's own and a batch is asked at once: requests wait for the thread.
  const pool = factsPoolOf();
  const r = await rebuildStories(store, { batch, facts: factsInPool(pool, { wait: true }), onBatch: (done, all) => bar.tick(`${done}/${all} articles`) }).finally(() => pool.close());
  // Facts stored before the entity index existed are indexed now; those written since are already.
  for (let after: number | null = 0; after !== null; ) after = await store.reindexEntitiesAfter(after, batch);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  bar.finish(`stories rebuilt: ${r.articles} articles in ${r.stories} stories (${seconds} s)`);
  if (json) writeOut(JSON.stringify({ articles: r.articles, stories: r.stories, seconds: Number(seconds) }));
}
