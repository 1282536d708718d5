import type { Store } from '../store/store.js';
import { TidingsError } from '../model/errors.js';
import { usageError } from './args.js';

export const READER_OPTIONS = { user: { type: 'string' }, 'all-users': { type: 'boolean' } } as const;

export const READER_HELP = `--user NAME subscribes that user only (default: the administrator, when there is
exactly one); --all-users shares the feeds with every user, on purpose. Before any
account exists, feeds belong to the instance and the first administrator takes them over.`;

/**
 * Who a command-line subscription is for: a feed belongs to the readers who add it, so the
 * command names one, or shares with everyone only when asked to.
 */
export async function chooseReaders(store: Store, opts: { user?: string | undefined; allUsers?: boolean | undefined }): Promise<{ ids: number[]; label: string }> {
  if (opts.user !== undefined && opts.allUsers) throw usageError('--user and --all-users do not go together');
  const users = await store.listUsers();
  if (opts.allUsers) return { ids: users.map((u) => u.id), label: 'every user' };
  if (opts.user !== undefined) {
    const user = await store.getUserByName(opts.user);
    if (!user) throw new TidingsError('not_found', `no user named ${opts.user}`);
    return { ids: [user.id], label: user.name };
  }
  if (users.length === 0) return { ids: [], label: 'the instance' };
  const admins = users.filter((u) => u.isAdmin);
  if (admins.length !== 1) throw usageError('name the reader with --user NAME, or share with everyone with --all-users');
  return { ids: [admins[0]!.id], label: admins[0]!.name };
}
