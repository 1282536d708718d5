import { Writable } from 'node:stream';
import { createLogger, logger, setLogger } from '../../src/log/logger.js';

/** Lines the process logger writes at warn and above while `fn` runs, parsed. */
export async function warningsDuring(fn: () => Promise<void>): Promise<Array<Record<string, unknown>>> {
  const lines: Array<Record<string, unknown>> = [];
  const previous = logger();
  setLogger(createLogger('warn', new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) })));
  try {
    await fn();
  } finally {
    setLogger(previous);
  }
  return lines;
}
