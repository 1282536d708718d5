import { parseCommandArgs, usageError } from '../args.js';
import { errorJson, serveBatch, writeOut } from '../batch.js';
import { readInput } from './parse.js';

const USAGE = `
Usage: tidings extract FILE --url URL [--json]
       tidings extract --batch

Extracts the main article (full text, captions, images, byline, dates) from one saved
HTML page. --url is the page's address. Without --json, prints the article text.
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { url: { type: 'string' }, json: { type: 'boolean' }, batch: { type: 'boolean' } }, USAGE);
  if (!parsed) return;
  const { extractArticle } = await import('../../extract/extractArticle.js');
  const { decodeBody } = await import('../../text/charset.js');
  const extractFile = (file: string, url: string | undefined) => {
    const { text } = decodeBody(readInput(file), null);
    return extractArticle(text, url ?? 'http://localhost/');
  };
  if (parsed.values.batch) {
    await serveBatch((req) => extractFile(req.file, req.url));
    return;
  }
  const file = parsed.positionals[0];
  if (!file) throw usageError('extract needs a FILE (or --batch)');
  if (!parsed.values.url) throw usageError('extract needs --url URL, the address of the page');
  if (parsed.values.json) {
    try {
      writeOut(JSON.stringify(extractFile(file, parsed.values.url)));
    } catch (err) {
      writeOut(JSON.stringify(errorJson(err)));
      process.exitCode = 1;
    }
    return;
  }
  const a = extractFile(file, parsed.values.url);
  writeOut(`${a.title ?? ''}\n\n${a.text}`);
}
