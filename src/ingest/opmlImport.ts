import { parseOpml, type OpmlOutline } from '../feed/opml.js';
import { checkUrl } from '../fetch/fetcher.js';
import { blockedReason } from '../fetch/addressPolicy.js';
import { TidingsError, asTidingsError } from '../model/errors.js';
import type { Pipeline } from './pipeline.js';
import { subscribe } from './subscribe.js';
import { formatIso } from '../text/dates.js';

export interface OpmlImportOptions {
  /** The readers who subscribe (none: the instance, before any account exists). */
  readers?: number[];
  /** Keep feeds that cannot be fetched now (the starter list on an offline first run). */
  keepUnreachable?: boolean;
  /** Stops the import (its requester went away); outlines not started are left alone. */
  signal?: AbortSignal;
  onTotal?: (n: number) => void;
  onFeed?: (note: string) => void;
}

export interface OpmlImportReport {
  added: number;
  existing: number;
  feeds: Array<{ id: number; folder: string | null }>;
  /** Outlines looked at and not subscribed, with the reason's code. */
  skipped: Array<{ url: string; code: string; message: string }>;
  /** Outlines past the cap (config.opmlMaxOutlines), not looked at. */
  overLimit: number;
  limit: number;
  /** True when the signal stopped the import before every outline was looked at. */
  stopped: boolean;
}

/** One line for people: what was imported, how many were skipped and why (the first few). */
export function describeImport(r: OpmlImportReport, shown = 5): string {
  const parts = [`imported ${r.feeds.length} feed(s) (${r.added} new)`];
  if (r.skipped.length && shown === 0) parts.push(`skipped ${r.skipped.length}`);
  else if (r.skipped.length) {
    const first = r.skipped.slice(0, shown).map((s) => `${s.url} (${s.code})`);
    parts.push(`skipped ${r.skipped.length}: ${first.join(', ')}${r.skipped.length > shown ? ', …' : ''}`);
  }
  if (r.overLimit) parts.push(`${r.overLimit} outline(s) over the limit of ${r.limit} not imported`);
  if (r.stopped) parts.push('stopped before the end');
  return parts.join('; ');
}

/**
 * Subscribes to the outlines of an OPML document, a few at a time, up to the configured cap.
 * Each outline is checked before anything is stored: a valid http(s) URL, an address the
 * fetcher may reach, and (unless keepUnreachable) a feed that answers now; anything else
 * is skipped and reported, so a list of dead or internal addresses is never polled forever.
 */
export async function importOpml(p: Pipeline, text: string, opts: OpmlImportOptions = {}): Promise<OpmlImportReport> {
  const unusable: OpmlImportReport['skipped'] = [];
  const all = parseOpml(text, (o) => unusable.push({ url: o.title ? `(outline "${o.title}")` : '(outline without a title)', code: 'invalid_url', message: o.why }));
  const limit = p.config.opmlMaxOutlines;
  const outlines = all.slice(0, limit);
  opts.onTotal?.(outlines.length);
  const report: OpmlImportReport = { added: 0, existing: 0, feeds: [], skipped: unusable, overLimit: all.length - outlines.length, limit, stopped: false };
  let next = 0;
  const worker = async () => {
    while (next < outlines.length && !opts.signal?.aborted) await importOutline(p, outlines[next++]!, opts, report);
  };
  await Promise.all(Array.from({ length: Math.min(4, outlines.length) }, worker));
  report.stopped = next < outlines.length;
  return report;
}

async function importOutline(p: Pipeline, o: OpmlOutline, opts: OpmlImportOptions, report: OpmlImportReport): Promise<void> {
  try {
    checkOutline(o.url, p.config.fetch.allowPrivateNetworks ?? false);
    const r = await subscribe(p, o.url, {
      readers: opts.readers ?? [],
      folder: o.category,
      fallbackTitle: o.title,
      allowUnreachable: !!opts.keepUnreachable,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (r.pendingError) opts.onFeed?.(`${o.url}: kept, not reachable now: error[${r.pendingError.code}] ${r.pendingError.message}`);
    else opts.onFeed?.(`${r.created ? 'added' : 'known'} ${o.url}`);
    if (r.created) report.added++;
    else report.existing++;
    report.feeds.push({ id: r.feed.id, folder: o.category });
  } catch (err) {
    const e = asTidingsError(err);
    report.skipped.push({ url: o.url, code: e.code, message: e.message });
    opts.onFeed?.(`skipped ${o.url}: error[${e.code}] ${e.message}`);
  }
}

/** URL, scheme and, for an address written as an IP, the address policy; host names are judged when they resolve. */
function checkOutline(raw: string, allowPrivate: boolean): void {
  const url = checkUrl(raw);
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!/^[\d.]+$/.test(host) && !host.includes(':')) return;
  const reason = blockedReason(host);
  if (reason) throw new TidingsError('blocked_address', `${url.host} is a ${reason} address`);
}

/** Where a reader's latest OPML import stands, kept in the store so any process can show it. */
export interface ImportOutcome {
  state: 'queued' | 'done' | 'failed';
  /** When it was queued, finished or failed. */
  at: string;
  /** describeImport's line, once done. */
  summary: string | null;
  /** The outlines skipped, with why (the first SHOWN_SKIPPED). */
  skipped: Array<{ url: string; code: string; message: string }>;
  /** Why the import itself failed (`code: message`); the job tries it again. */
  error: string | null;
}

const SHOWN_SKIPPED = 20;

function outcomeKey(userId: number): string {
  return `opml_import:user:${userId}`;
}

export async function saveImportOutcome(p: Pipeline, userId: number, outcome: ImportOutcome): Promise<void> {
  await p.store.setSetting(outcomeKey(userId), JSON.stringify(outcome));
}

export async function lastImportOutcome(store: Pipeline['store'], userId: number): Promise<ImportOutcome | null> {
  const raw = await store.getSetting(outcomeKey(userId));
  return raw ? (JSON.parse(raw) as ImportOutcome) : null;
}

export function finishedImport(r: OpmlImportReport, at: string): ImportOutcome {
  const skipped = r.skipped.slice(0, SHOWN_SKIPPED).map((s) => ({ url: s.url.slice(0, 300), code: s.code, message: s.message.slice(0, 200) }));
  return { state: 'done', at, summary: describeImport(r, 0), skipped, error: null };
}

/**
 * An import-opml job: the import, its outcome saved for the reader's Feeds page. An import
 * the queue stopped halfway fails so a retry finishes it; outlines done already are known
 * feeds by then and are not subscribed twice.
 */
export async function importOpmlJob(p: Pipeline, userId: number, opml: string, signal: AbortSignal): Promise<void> {
  try {
    const r = await importOpml(p, opml, { readers: [userId], signal });
    if (r.stopped) throw new TidingsError('internal', 'the import stopped before the end (its worker is stopping)');
    await saveImportOutcome(p, userId, finishedImport(r, formatIso(p.now().getTime())));
  } catch (err) {
    const e = asTidingsError(err);
    await saveImportOutcome(p, userId, { state: 'failed', at: formatIso(p.now().getTime()), summary: null, skipped: [], error: `${e.code}: ${e.message}` });
    throw err;
  }
}
