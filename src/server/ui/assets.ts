import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { gzipSync } from 'node:zlib';

/**
 * The stylesheet and the script, read once from their files (scripts/copy-assets.mjs puts
 * them beside the compiled code) and served at URLs that carry a hash of their content: a
 * browser keeps them for a year and a new Tidings changes the URL, never a cached copy.
 */
export interface Asset {
  /** `/static/app.<hash>.css` */
  href: string;
  type: string;
  body: Buffer;
  gzip: Buffer;
}

function load(file: string, type: string): Asset {
  const body = fs.readFileSync(new URL(`./assets/${file}`, import.meta.url));
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const dot = file.lastIndexOf('.');
  return { href: `/static/${file.slice(0, dot)}.${hash}${file.slice(dot)}`, type, body, gzip: gzipSync(body, { level: 9 }) };
}

export const ASSETS = {
  css: load('app.css', 'text/css; charset=utf-8'),
  js: load('app.js', 'text/javascript; charset=utf-8'),
} as const;

/** The asset a hashed name (`app.1a2b3c4d5e6f.css`) stands for; null for any other name. */
export function assetNamed(name: string): Asset | null {
  return Object.values(ASSETS).find((a) => a.href === `/static/${name}`) ?? null;
}

/** The asset an old, unhashed name (`app.css`) stood for, to redirect to its hashed name. */
export function assetOfOldName(name: string): Asset | null {
  return name === 'app.css' ? ASSETS.css : name === 'app.js' ? ASSETS.js : null;
}
