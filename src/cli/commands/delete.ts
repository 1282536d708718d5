import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { withStore } from '../context.js';
import { TidingsError } from '../../model/errors.js';
import { formatIso } from '../../text/dates.js';

const USAGE = `
Usage: tidings delete ID [--db PATH | --database-url URL]

Deletes one article with its revisions and images, and leaves a tombstone so that no
feed brings it back, whatever GUID or tracking parameters it arrives with next time.
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION }, USAGE);
  if (!parsed) return;
  const id = Number(parsed.positionals[0]);
  if (!parsed.positionals[0] || !Number.isInteger(id)) throw usageError('delete needs a numeric article ID');
  await withStore({ db: parsed.values.db, databaseUrl: parsed.values['database-url'] }, async (store) => {
    if (!(await store.deleteArticle(id, 'deleted by user', formatIso(Date.now())))) throw new TidingsError('not_found', `no article with id ${id}`);
    process.stderr.write(`deleted article ${id}; it will not come back\n`);
  });
}
