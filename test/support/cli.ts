import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const tidingsBin = path.join(repoRoot, 'bin', 'tidings.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `tidings` command in a child process, as a user would. */
export function runCli(args: string[], opts: { env?: Record<string, string>; input?: string; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tidingsBin, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, TZ: 'UTC', TIDINGS_EXTRACT_TIMEOUT_MS: '60000', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

export function tempDir(prefix = 'tidings-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
