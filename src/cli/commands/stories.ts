import readline from 'node:readline';
import fs from 'node:fs';
import { parseCommandArgs, usageError } from '../args.js';
import { TidingsError } from '../../model/errors.js';
import type { Placement, StoryArticle } from '../../stories/storyState.js';

const USAGE = `
Usage: tidings stories cluster FILE.jsonl

Clusters articles into stories exactly as ingestion does, without a database. FILE (or -
for standard input) has one JSON object a line: {"id", "title", "text"?, "published"?,
"source"?}, in time order. Prints one line {"id", "story", "copyOf"?} per input, in the
same order, with each article's final story (after the merge passes). See docs/stories-cli.md.
`;

/** Caps on hostile input: a line (one article) and the number of articles. */
const MAX_LINE = 4 * 1024 * 1024;
const MAX_ARTICLES = 2_000_000;

export async function run(args: string[]): Promise<void> {
  if (args[0] !== 'cluster') {
    const { runStored } = await import('./storiesStored.js');
    return runStored(args);
  }
  const parsed = parseCommandArgs(args, {}, USAGE);
  if (!parsed) return;
  const [sub, file] = parsed.positionals;
  if (sub !== 'cluster') throw usageError(sub ? `unknown stories subcommand "${sub}"` : 'stories needs a subcommand: cluster FILE.jsonl');
  if (!file) throw usageError('stories cluster needs a FILE.jsonl (or - for standard input)');
  const { createStoryState, placeArticle, mergePass, storyOf } = await import('../../stories/storyState.js');
  const state = createStoryState();
  const results: (Placement | { id: string | null; error: { code: string; message: string } })[] = [];
  const seen = new Set<string>();
  for await (const line of linesOf(file)) {
    if (!line.trim()) continue;
    if (results.length >= MAX_ARTICLES) throw new TidingsError('too_large', `more than ${MAX_ARTICLES} articles`);
    const article = articleOf(line);
    if ('error' in article) results.push(article);
    else if (seen.has(article.id)) results.push({ id: article.id, error: { code: 'invalid_input', message: 'duplicate id' } });
    else results.push((seen.add(article.id), placeArticle(state, article)));
  }
  mergePass(state);
  const out = results.map((r) => ('error' in r ? r : { id: r.id, story: storyOf(state, r.id), ...(r.copyOf ? { copyOf: r.copyOf } : {}) }));
  await writeLines(out);
}

function linesOf(file: string): AsyncIterable<string> {
  let input: NodeJS.ReadableStream;
  if (file === '-') input = process.stdin;
  else {
    if (!fs.existsSync(file)) throw new TidingsError('not_found', `cannot read ${file}: no such file`);
    input = fs.createReadStream(file, { encoding: 'utf8' });
  }
  return readline.createInterface({ input, crlfDelay: Infinity });
}

/** One input line as an article, or an error line that keeps the output in step with the input. */
function articleOf(line: string): StoryArticle | { id: string | null; error: { code: string; message: string } } {
  const fail = (id: string | null, message: string) => ({ id, error: { code: 'invalid_input', message } });
  if (line.length > MAX_LINE) return fail(null, `line longer than ${MAX_LINE} characters`);
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return fail(null, 'not a JSON object');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return fail(null, 'not a JSON object');
  const id = typeof v.id === 'string' ? v.id : typeof v.id === 'number' ? String(v.id) : null;
  if (!id) return fail(null, 'needs an "id" string');
  if (typeof v.title !== 'string') return fail(id, 'needs a "title" string');
  const opt = (k: string) => (typeof v[k] === 'string' || (k === 'published' && typeof v[k] === 'number') ? (v[k] as string) : null);
  return { id, title: v.title, text: opt('text'), published: opt('published'), source: opt('source') };
}

async function writeLines(rows: unknown[]): Promise<void> {
  for (const r of rows) {
    if (!process.stdout.write(`${JSON.stringify(r)}\n`)) await new Promise((ok) => process.stdout.once('drain', ok));
  }
}
