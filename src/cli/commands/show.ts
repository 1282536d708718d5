import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { withStore } from '../context.js';
import { writeOut } from '../batch.js';
import { TidingsError } from '../../model/errors.js';
import { terminalLine, terminalText } from '../../render/terminalText.js';
import type { Store } from '../../store/store.js';

const USAGE = `
Usage: tidings show ID [--format text|html|json] [--now ISO] [--tz ZONE] [--revisions] [--story [--json]] [--db PATH | --database-url URL]

Prints one article in the reading format. --now fixes the clock used for the relative
age; --tz (or TZ) sets the zone of the times shown (default UTC). --revisions lists the
stored versions of the article. --story prints the article's story instead (as
\`tidings stories show\`; --json or --format json for its JSON).
`;

export function parseNow(raw: string | undefined): Date {
  if (raw === undefined) return new Date();
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw usageError(`--now takes an ISO 8601 time, not "${raw}"`);
  return new Date(t);
}

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(
    args,
    { ...DB_OPTION, format: { type: 'string' }, now: { type: 'string' }, tz: { type: 'string' }, revisions: { type: 'boolean' }, hyperlinks: { type: 'boolean' }, story: { type: 'boolean' }, json: { type: 'boolean' } },
    USAGE,
  );
  if (!parsed) return;
  const id = Number(parsed.positionals[0]);
  if (!parsed.positionals[0] || !Number.isInteger(id)) throw usageError('show needs a numeric article ID');
  const format = parsed.values.format ?? 'text';
  if (!['text', 'html', 'json'].includes(format)) throw usageError('--format is text, html or json');
  const now = parseNow(parsed.values.now);
  const { isValidTimeZone } = await import('../../render/time.js');
  if (parsed.values.tz && !isValidTimeZone(parsed.values.tz)) throw usageError(`unknown time zone "${parsed.values.tz}"`);
  await withStore({ db: parsed.values.db, databaseUrl: parsed.values['database-url'], tz: parsed.values.tz }, async (store, config) => {
    const article = await store.getArticle(id);
    if (!article) throw new TidingsError('not_found', `no article with id ${id}`);
    if (parsed.values.story) return showStory(store, id, !!parsed.values.json || format === 'json');
    const timeZone = isValidTimeZone(config.timeZone) ? config.timeZone : 'UTC';
    const { readingParts, renderText, renderHtmlFragment } = await import('../../render/readingFormat.js');
    const parts = readingParts(article, { now, timeZone });
    if (parsed.values.revisions) {
      const revisions = await store.listRevisions(id);
      const { formatLocalTime } = await import('../../render/time.js');
      const { wordDiff, changedWords } = await import('../../render/wordDiff.js');
      writeOut(
        revisions
          .map((r, i) => {
            const prev = revisions[i - 1];
            const change = prev ? changedWords(wordDiff(prev.text, r.text)) : null;
            const words = r.text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
            return `${i + 1}  ${formatLocalTime(r.seenAt, timeZone)}  ${r.reason.padEnd(11)}  ${String(words).padStart(5)} words${change ? `  (-${change.removed} +${change.added})` : ''}  ${terminalLine(r.title)}`;
          })
          .join('\n'),
      );
      return;
    }
    if (format === 'json') {
      writeOut(
        JSON.stringify({
          id: article.id, title: parts.title, url: parts.url, source: parts.source, section: parts.section,
          published: article.publishedAt, updated: parts.updatedAt, age: parts.age, byline: article.byline,
          text: parts.body, html: article.html, images: article.images, extractStatus: article.extractStatus, extractError: article.extractError,
        }),
      );
      return;
    }
    if (format === 'html') {
      writeOut(renderHtmlFragment(parts, article.html));
      return;
    }
    const hyperlinks = parsed.values.hyperlinks ?? supportsHyperlinks();
    const safe = { ...parts, title: terminalLine(parts.title), source: terminalLine(parts.source), section: parts.section && terminalLine(parts.section) };
    writeOut(renderText({ ...safe, body: terminalText(parts.body), url: terminalLine(parts.url) }, { hyperlinks }));
  });
}

async function showStory(store: Store, articleId: number, json: boolean): Promise<void> {
  const storyId = (await store.storyIdsOf([articleId])).get(articleId);
  const detail = storyId === undefined ? null : await store.storyDetail(undefined, storyId);
  if (!detail) throw new TidingsError('not_found', `article ${articleId} is in no story yet (tidings stories rebuild places stored articles)`);
  const { printStory } = await import('./storiesStored.js');
  await printStory(detail, json);
}

function supportsHyperlinks(): boolean {
  if (!process.stdout.isTTY) return false;
  const env = process.env;
  if (env.TERM === 'dumb') return false;
  return !!(env.WT_SESSION || env.VTE_VERSION || env.KITTY_WINDOW_ID || env.WEZTERM_PANE || /^(?:iTerm\.app|WezTerm|vscode|ghostty)$/.test(env.TERM_PROGRAM ?? '') || env.DOMTERM);
}
