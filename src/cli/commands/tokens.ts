import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { withStore } from '../context.js';
import { writeOut } from '../batch.js';
import { formatIso } from '../../text/dates.js';
import { TidingsError } from '../../model/errors.js';

const USAGE = `
Usage: tidings tokens add USER NAME [--db PATH | --database-url URL]

Creates an API token for USER (named NAME, e.g. the app that will use it) and prints it
once; only its hash is stored. Use it as "Authorization: Bearer <token>" with /api/v1.
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION }, USAGE);
  if (!parsed) return;
  const [sub, userName, name] = parsed.positionals;
  if (sub !== 'add' || !userName || !name) throw usageError('use: tidings tokens add USER NAME');
  const { newSecret, secretHash } = await import('../../accounts/tokens.js');
  await withStore({ db: parsed.values.db, databaseUrl: parsed.values['database-url'] }, async (store) => {
    const user = await store.getUserByName(userName);
    if (!user) throw new TidingsError('not_found', `no user named ${userName}`);
    const token = newSecret();
    await store.createApiToken({ userId: user.id, tokenHash: secretHash(token), name, now: formatIso(Date.now()) });
    writeOut(token);
  });
}
