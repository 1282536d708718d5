import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { withStore } from '../context.js';
import { writeOut } from '../batch.js';
import { TidingsError } from '../../model/errors.js';
import { terminalLine, terminalText } from '../../render/terminalText.js';

const USAGE = `
Usage: tidings diff ID [REV] [--color|--no-color] [--tz ZONE] [--db PATH | --database-url URL]

Shows what changed in an article, word by word: revision REV (numbered as in
\`tidings show ID --revisions\`, default the latest) against the one before it.
Removed words print as [-like this-], added ones as {+like this+} (in colour on a terminal).
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION, color: { type: 'boolean' }, 'no-color': { type: 'boolean' }, tz: { type: 'string' } }, USAGE);
  if (!parsed) return;
  const id = Number(parsed.positionals[0]);
  if (!parsed.positionals[0] || !Number.isInteger(id)) throw usageError('diff needs a numeric article ID');
  const revArg = parsed.positionals[1];
  const rev = revArg === undefined ? undefined : Number(revArg);
  if (rev !== undefined && (!Number.isInteger(rev) || rev < 1)) throw usageError('REV is a revision number from `tidings show ID --revisions`');
  await withStore({ db: parsed.values.db, databaseUrl: parsed.values['database-url'], tz: parsed.values.tz }, async (store, config) => {
    const revisions = await store.listRevisions(id);
    if (revisions.length === 0) throw new TidingsError('not_found', `no article with id ${id}`);
    const n = rev ?? revisions.length;
    if (n > revisions.length) throw new TidingsError('not_found', `article ${id} has ${revisions.length} revision(s), not ${n}`);
    if (n === 1) {
      writeOut(`article ${id}: revision 1 is the first version; nothing to compare it with`);
      return;
    }
    const before = revisions[n - 2]!;
    const after = revisions[n - 1]!;
    const { wordDiff, renderDiffText, changedWords } = await import('../../render/wordDiff.js');
    const { formatLocalTime } = await import('../../render/time.js');
    const color = parsed.values.color ?? (!parsed.values['no-color'] && !!process.stdout.isTTY);
    const body = wordDiff(terminalText(before.text), terminalText(after.text));
    const counts = changedWords(body);
    const lines = [
      `revision ${n - 1} (${formatLocalTime(before.seenAt, config.timeZone)}, ${before.reason}) → revision ${n} (${formatLocalTime(after.seenAt, config.timeZone)}, ${after.reason}): ${counts.removed} word(s) removed, ${counts.added} added`,
      '',
    ];
    if (before.title !== after.title) lines.push(renderDiffText(wordDiff(terminalLine(before.title), terminalLine(after.title)), color), '');
    lines.push(renderDiffText(body, color));
    writeOut(lines.join('\n'));
  });
}
