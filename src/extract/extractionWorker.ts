import { asTidingsError } from '../model/errors.js';
import { decodeBody } from '../text/charset.js';
import { extractArticle, type ExtractedArticle } from './extractArticle.js';
import type { WorkerOutcome } from './extractionPool.js';
import type { FeedRules } from '../model/feed.js';

/** One page for a worker thread of the extraction pool (extractionPool.ts). */
export interface ExtractionTask {
  /** The page as text, or as fetched: a large page is decoded here, off the event loop. */
  html: string | EncodedPage;
  url: string;
  /** The rules of the feed the page came through, when it has any. */
  rules?: FeedRules;
}

export interface EncodedPage {
  bytes: Uint8Array;
  contentType: string | null;
}

export type ExtractionOutcome = WorkerOutcome<ExtractedArticle>;

export default function extractInThread(task: ExtractionTask): ExtractionOutcome {
  try {
    const html = typeof task.html === 'string' ? task.html : decodeBody(task.html.bytes, task.html.contentType).text;
    return { ok: true, value: extractArticle(html, task.url, task.rules ? { rules: task.rules } : {}) };
  } catch (err) {
    const e = asTidingsError(err);
    return { ok: false, code: e.code, message: e.message };
  }
}

