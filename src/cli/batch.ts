import readline from 'node:readline';
import { asTidingsError } from '../model/errors.js';

/**
 * Batch mode (spec/cli-json.md): one JSON request a line on stdin, exactly one JSON line
 * on stdout per request, in order. Errors become `{"error": …}` lines, never a crash.
 */
export async function serveBatch(handle: (req: { file: string; url?: string }) => Promise<unknown> | unknown): Promise<void> {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let out: unknown;
    try {
      const req = JSON.parse(line) as { file?: unknown; url?: unknown };
      if (typeof req.file !== 'string') throw Object.assign(new Error('request needs a "file" string'), { code: 'invalid_input' });
      out = await handle({ file: req.file, ...(typeof req.url === 'string' ? { url: req.url } : {}) });
    } catch (err) {
      out = errorJson(err);
    }
    const s = `${JSON.stringify(out)}\n`;
    if (!process.stdout.write(s)) await new Promise((r) => process.stdout.once('drain', r));
  }
}

export function errorJson(err: unknown): { error: { code: string; message: string } } {
  const e = (err as { code?: string })?.code === 'invalid_input' ? { code: 'invalid_input', message: (err as Error).message } : asTidingsError(err);
  return { error: { code: e.code, message: e.message } };
}

/** Writes a large string to stdout and lets the process end on its own (no truncation). */
export function writeOut(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
}
