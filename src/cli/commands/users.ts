import fs from 'node:fs';
import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { withStore } from '../context.js';
import { writeOut } from '../batch.js';
import { TidingsError } from '../../model/errors.js';

const USAGE = `
Usage: tidings users add NAME [--admin] [--password-stdin] [--db PATH]
       tidings users list [--json] [--db PATH]

Accounts of the web app and the API. The first user created is an administrator.
The password is read from standard input with --password-stdin, otherwise asked for
on the terminal (not echoed). At least 10 characters.
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION, admin: { type: 'boolean' }, 'password-stdin': { type: 'boolean' }, json: { type: 'boolean' } }, USAGE);
  if (!parsed) return;
  const [sub, name] = parsed.positionals;
  if (sub === 'list') {
    await withStore({ db: parsed.values.db }, async (store) => {
      const users = await store.listUsers();
      writeOut(parsed.values.json ? JSON.stringify(users) : users.map((u) => `${String(u.id).padStart(4)}  ${u.name}${u.isAdmin ? '  (admin)' : ''}`).join('\n') || 'no users yet: tidings users add NAME');
    });
    return;
  }
  if (sub !== 'add' || !name) throw usageError('use: tidings users add NAME, or tidings users list');
  if (!/^[\p{L}\p{N}._@-]{1,64}$/u.test(name)) throw usageError('a user name is 1–64 letters, digits, or . _ @ -');
  const password = parsed.values['password-stdin'] ? readFirstLine() : await promptHidden(`password for ${name}: `);
  const { hashPassword, passwordProblem } = await import('../../accounts/passwords.js');
  const problem = passwordProblem(password);
  if (problem) throw new TidingsError('invalid_input', problem);
  await withStore({ db: parsed.values.db }, async (store) => {
    const first = (await store.countUsers()) === 0;
    const user = await store.createUser({ name, passwordHash: await hashPassword(password), isAdmin: first || !!parsed.values.admin, now: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') });
    // The first administrator takes over the feeds the instance already follows.
    if (first) await store.subscribeToAll(user.id, user.createdAt);
    process.stderr.write(`created ${user.isAdmin ? 'administrator' : 'user'} ${user.name}\n`);
    writeOut(String(user.id));
  });
}

function readFirstLine(): string {
  return fs.readFileSync(0, 'utf8').split(/\r?\n/)[0] ?? '';
}

async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw usageError('no terminal to ask for a password: use --password-stdin');
  process.stderr.write(question);
  return new Promise((resolve) => {
    let value = '';
    const stdin = process.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (ch: string) => {
      if (ch === '\r' || ch === '\n' || ch === '\u0004') {
        stdin.setRawMode(false);
        stdin.pause();
        stdin.off('data', onData);
        process.stderr.write('\n');
        resolve(value);
      } else if (ch === '\u0003') {
        process.exit(130);
      } else if (ch === '\u007f') value = value.slice(0, -1);
      else value += ch;
    };
    stdin.on('data', onData);
  });
}
