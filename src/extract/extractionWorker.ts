import { asTidingsError, type ErrorCode } from '../model/errors.js';
import { extractArticle, type ExtractedArticle } from './extractArticle.js';

/** One page for a worker thread of the extraction pool (extractionPool.ts). */
export interface ExtractionTask {
  html: string;
  url: string;
}

/** Errors cross the thread boundary as data: a cloned Error would lose its code. */
export type ExtractionOutcome = { ok: true; article: ExtractedArticle } | { ok: false; code: ErrorCode; message: string };

export default function extractInThread(task: ExtractionTask): ExtractionOutcome {
  try {
    return { ok: true, article: extractArticle(task.html, task.url) };
  } catch (err) {
    const e = asTidingsError(err);
    return { ok: false, code: e.code, message: e.message };
  }
}
