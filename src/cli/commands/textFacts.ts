import readline from 'node:readline';
import { parseCommandArgs, usageError } from '../args.js';
import { errorJson, writeOut } from '../batch.js';
import { readInput } from './parse.js';

/** Largest article text the figures and entities commands read (hostile input is capped). */
const MAX_TEXT = 2 * 1024 * 1024;

/**
 * Shared shape of `tidings figures` and `tidings entities`: one file (plain text or
 * HTML) with --json, or --batch JSON lines {"id","text"} → {"id", <key>} in order.
 */
export async function runTextCommand(args: string[], usage: string, key: string, extract: (text: string) => unknown[], describe: (item: never) => string): Promise<void> {
  const parsed = parseCommandArgs(args, { json: { type: 'boolean' }, batch: { type: 'boolean' } }, usage);
  if (!parsed) return;
  const { articleText } = await import('../../stories/plainText.js');
  const of = (raw: string) => extract(articleText(raw.length > MAX_TEXT ? raw.slice(0, MAX_TEXT) : raw));
  if (parsed.values.batch) return serveTextBatch(key, of);
  const file = parsed.positionals[0];
  if (!file) throw usageError(`${key} needs a FILE (or --batch)`);
  if (!parsed.values.json) {
    writeOut(of(readInput(file).toString('utf8')).map((x) => describe(x as never)).join('\n') || `(no ${key})`);
    return;
  }
  try {
    writeOut(JSON.stringify(of(readInput(file).toString('utf8'))));
  } catch (err) {
    writeOut(JSON.stringify(errorJson(err)));
    process.exitCode = 1;
  }
}

async function serveTextBatch(key: string, of: (text: string) => unknown[]): Promise<void> {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let out: unknown;
    let id: unknown = null;
    try {
      const req = JSON.parse(line) as { id?: unknown; text?: unknown };
      id = typeof req?.id === 'string' || typeof req?.id === 'number' ? req.id : null;
      if (typeof req?.text !== 'string') throw Object.assign(new Error('request needs a "text" string'), { code: 'invalid_input' });
      out = { id, [key]: of(req.text) };
    } catch (err) {
      out = { id, ...errorJson(err) };
    }
    if (!process.stdout.write(`${JSON.stringify(out)}\n`)) await new Promise((r) => process.stdout.once('drain', r));
  }
}
