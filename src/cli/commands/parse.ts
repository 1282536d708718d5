import fs from 'node:fs';
import { parseCommandArgs, usageError } from '../args.js';
import { errorJson, serveBatch, writeOut } from '../batch.js';
import type { ParsedFeed } from '../../model/feed.js';
import { TidingsError } from '../../model/errors.js';

const USAGE = `
Usage: tidings parse FILE [--url URL] --json
       tidings parse --batch

Parses one feed document (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1) without
fetching anything. FILE may be - for standard input. --url is the address the document
came from, the base for relative links. --batch reads {"file","url"} lines on stdin.
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { url: { type: 'string' }, json: { type: 'boolean' }, batch: { type: 'boolean' } }, USAGE);
  if (!parsed) return;
  const { parseFeed } = await import('../../feed/parseFeed.js');
  const parseFile = (file: string, url: string | undefined): ParsedFeed => {
    const bytes = readInput(file);
    return parseFeed(bytes, { url: url ?? null });
  };
  if (parsed.values.batch) {
    await serveBatch((req) => feedJson(parseFile(req.file, req.url)));
    return;
  }
  const file = parsed.positionals[0];
  if (!file) throw usageError('parse needs a FILE (or --batch)');
  if (parsed.values.json) {
    try {
      writeOut(JSON.stringify(feedJson(parseFile(file, parsed.values.url))));
    } catch (err) {
      writeOut(JSON.stringify(errorJson(err)));
      process.exitCode = 1;
    }
    return;
  }
  const feed = parseFile(file, parsed.values.url);
  const lines = [`${feed.title ?? '(untitled)'} — ${feed.format}${feed.bozo ? ` (bozo: ${feed.bozoReason})` : ''}`, `${feed.items.length} items`];
  for (const item of feed.items) lines.push(`  ${item.published ?? '                    '}  ${item.title ?? '(untitled)'}`);
  writeOut(lines.join('\n'));
}

export function readInput(file: string): Buffer {
  try {
    return file === '-' ? fs.readFileSync(0) : fs.readFileSync(file);
  } catch (err) {
    throw new TidingsError('not_found', `cannot read ${file}: ${(err as Error).message}`);
  }
}

/** The stable JSON shape of spec/cli-json.md, keys in the documented order. */
export function feedJson(f: ParsedFeed): Record<string, unknown> {
  return {
    format: f.format,
    bozo: f.bozo,
    ...(f.bozo ? { bozoReason: f.bozoReason ?? 'malformed document' } : {}),
    title: f.title,
    link: f.link,
    selfUrl: f.selfUrl,
    description: f.description,
    language: f.language,
    updated: f.updated,
    published: f.published,
    authors: f.authors,
    image: f.image,
    categories: f.categories,
    generator: f.generator,
    rights: f.rights,
    ttl: f.ttl,
    hubs: f.hubs,
    items: f.items,
  };
}
