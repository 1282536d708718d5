import fs from 'node:fs';
import { DB_OPTION, parseCommandArgs, usageError } from '../args.js';
import { withStore } from '../context.js';
import { writeOut } from '../batch.js';
import { formatIso } from '../../text/dates.js';
import { USER_NAME_RULE, isUserName } from '../../accounts/userName.js';
import { TidingsError } from '../../model/errors.js';
import { terminalLine } from '../../render/terminalText.js';

const USAGE = `
Usage: tidings users add NAME [--admin] [--password-stdin] [--db PATH | --database-url URL]
       tidings users passwd NAME [--password-stdin] [--db PATH | --database-url URL]
       tidings users list [--json] [--db PATH | --database-url URL]
       tidings users fever-password NAME [--password-stdin | --remove] [--db PATH | --database-url URL]

Accounts of the web app and the API. The first user created is an administrator.
The password is read from standard input with --password-stdin, otherwise asked for
on the terminal (not echoed). At least 10 characters. \`passwd\` sets a new password
(for someone who forgot theirs) and signs that user out everywhere; API tokens stay.
\`fever-password\` sets the password Fever API apps sign in with (never the sign-in
password; only a hash of the key apps derive from it is kept), or removes it with --remove.
`;

export async function run(args: string[]): Promise<void> {
  const parsed = parseCommandArgs(args, { ...DB_OPTION, admin: { type: 'boolean' }, 'password-stdin': { type: 'boolean' }, json: { type: 'boolean' }, remove: { type: 'boolean' } }, USAGE);
  if (!parsed) return;
  const [sub, name] = parsed.positionals;
  if (sub === 'list') {
    await withStore({ db: parsed.values.db, databaseUrl: parsed.values['database-url'] }, async (store) => {
      const users = await store.listUsers();
      writeOut(parsed.values.json ? JSON.stringify(users) : users.map((u) => `${String(u.id).padStart(4)}  ${terminalLine(u.name)}${u.isAdmin ? '  (admin)' : ''}`).join('\n') || 'no users yet: tidings users add NAME');
    });
    return;
  }
  if ((sub !== 'add' && sub !== 'passwd' && sub !== 'fever-password') || !name) throw usageError('use: tidings users add NAME, tidings users passwd NAME, tidings users fever-password NAME, or tidings users list');
  if (!isUserName(name)) throw usageError(USER_NAME_RULE);
  if (sub === 'fever-password') return feverPassword(name, parsed.values);
  if (sub === 'passwd') {
    await withStore({ db: parsed.values.db, databaseUrl: parsed.values['database-url'] }, async (store) => {
      const user = await store.getUserByName(name);
      if (!user) throw new TidingsError('not_found', `no user named ${name}`);
      const { feverKeyHash } = await import('../../accounts/feverKey.js');
      const isFever = async (pw: string) => (await store.userByFeverKey(feverKeyHash(user.name, pw)))?.id === user.id;
      const hash = await newPasswordHash(parsed.values['password-stdin'], `new password for ${name}: `, async (pw) => ((await isFever(pw)) ? 'that is the Fever password' : null));
      const { sessionsEnded } = await store.setPassword(user.id, hash, null);
      process.stderr.write(`password of ${name} changed; ${sessionsEnded} session${sessionsEnded === 1 ? '' : 's'} ended\n`);
    });
    return;
  }
  const passwordHash = await newPasswordHash(parsed.values['password-stdin'], `password for ${name}: `);
  await withStore({ db: parsed.values.db, databaseUrl: parsed.values['database-url'] }, async (store) => {
    const first = (await store.countUsers()) === 0;
    const user = await store.createUser({ name, passwordHash, isAdmin: first || !!parsed.values.admin, now: formatIso(Date.now()) });
    // The first administrator takes over the feeds the instance already follows.
    if (first) await store.subscribeToAll(user.id, user.createdAt);
    process.stderr.write(`created ${user.isAdmin ? 'administrator' : 'user'} ${user.name}\n`);
    writeOut(String(user.id));
  });
}

async function feverPassword(name: string, o: { db?: string | undefined; 'database-url'?: string | undefined; 'password-stdin'?: boolean | undefined; remove?: boolean | undefined }): Promise<void> {
  await withStore({ db: o.db, databaseUrl: o['database-url'] }, async (store) => {
    const user = await store.getUserByName(name);
    if (!user) throw new TidingsError('not_found', `no user named ${name}`);
    if (o.remove) {
      const removed = await store.removeFeverKey(user.id);
      process.stderr.write(removed ? `Fever password of ${name} removed\n` : `${name} had no Fever password\n`);
      return;
    }
    const password = o['password-stdin'] ? readFirstLine() : await promptHidden(`Fever password for ${name}: `);
    const { passwordProblem, verifyPassword } = await import('../../accounts/passwords.js');
    const problem = passwordProblem(password) ?? ((await verifyPassword(password, user.passwordHash)) ? 'it must differ from the sign-in password' : null);
    if (problem) throw new TidingsError('invalid_input', problem);
    const { feverKeyHash } = await import('../../accounts/feverKey.js');
    await store.setFeverKey({ userId: user.id, keyHash: feverKeyHash(user.name, password), userName: user.name, now: formatIso(Date.now()) });
    process.stderr.write(`Fever password of ${name} set\n`);
  });
}

async function newPasswordHash(fromStdin: boolean | undefined, prompt: string, refuse: (password: string) => Promise<string | null> = async () => null): Promise<string> {
  const password = fromStdin ? readFirstLine() : await promptHidden(prompt);
  const { hashPassword, passwordProblem } = await import('../../accounts/passwords.js');
  const problem = passwordProblem(password) ?? (await refuse(password));
  if (problem) throw new TidingsError('invalid_input', problem);
  return hashPassword(password);
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
