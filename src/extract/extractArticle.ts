import { parseHTML } from 'linkedom';
import { Readability } from '@mozilla/readability';
import { TidingsError } from '../model/errors.js';
import { articleText, parsedArticle } from '../render/articleText.js';
import { sanitizeHtml } from '../html/sanitizeHtml.js';
import { readPageMetadata, type PageMetadata } from './pageMetadata.js';
import { cleanPage, removeArticleFurniture } from './pageCleanup.js';
import { imagesOf, type ExtractedImage } from './images.js';
import { applySiteRules, selectorsFor } from './siteRules.js';
import { applyFeedRules } from './feedRules.js';
import type { FeedRules } from '../model/feed.js';
import { formatIso } from '../text/dates.js';
import { assertPageWithinLimits } from './pageComplexity.js';
import { prunedMarkup } from './prunedMarkup.js';
import { withShortcuts } from './readabilityShortcuts.js';
import { installTagNameCache } from './linkedomTagNames.js';
import { installLazyListeners } from './linkedomListeners.js';
import { MAYBE_CANDIDATE } from './unlikelyCandidates.js';
import { blockFeatures, defaultBlockWeights, leafBlocks, pruneBlocks, type BlockFeatures, type BlockWeights } from './contentBlocks.js';

export interface ExtractOptions {
  /** The block judge's weights; null leaves Readability's choice as it is. Default: the fitted ones. */
  blockWeights?: BlockWeights | null;
  /**
   * Sees the blocks the judge is about to decide on, and how to get the article's `text`
   * with only some of them kept: the cross-validation replays the judge's decisions with it.
   */
  inspectBlocks?: (blocks: BlockFeatures[], textKeeping: (keep: boolean[]) => string) => void;
  /** The feed's own selectors (a person's), applied before and over the site rules. */
  rules?: Partial<FeedRules>;
}

export interface ExtractedArticle {
  url: string;
  title: string | null;
  byline: string | null;
  siteName: string | null;
  published: string | null;
  updated: string | null;
  lang: string | null;
  excerpt: string | null;
  html: string;
  text: string;
  leadImage: { url: string; caption: string | null } | null;
  images: ExtractedImage[];
}

/* eslint-disable @typescript-eslint/no-explicit-any */

installTagNameCache();
installLazyListeners();

/**
 * One article page → its main text. linkedom is the DOM: Readability needs only a small part
 * of the DOM API and linkedom builds it several times faster than jsdom (see `npm run bench`).
 * Pages too deep or too big for that are refused with `too_complex` before the DOM is built;
 * the refresh runs this in a worker (extractionPool.ts) that also bounds time and memory.
 */
export function extractArticle(html: string, pageUrl: string, options: ExtractOptions = {}): ExtractedArticle {
  assertPageWithinLimits(html);
  try {
    return extractWithinLimits(html, pageUrl, options);
  } catch (err) {
    // Recursion over a DOM the limits let through: still this page's complexity, not a bug.
    if (err instanceof RangeError) throw new TidingsError('too_complex', `the page is too complex: ${err.message}`, { cause: err });
    throw err;
  }
}

function extractWithinLimits(html: string, pageUrl: string, options: ExtractOptions): ExtractedArticle {
  const selected = !!(options.rules?.keep?.length || options.rules?.remove?.length) || selectorsFor(pageUrl).length > 0;
  // Selectors may match anything on the page, so a page they look at is built whole.
  let failed: FailedAttempt | null = null;
  if (!selected) {
    const firstPass = extractFromMarkup(prunedMarkup(html, { emptyUnlikely: true }), pageUrl, options, 'first');
    if (!(firstPass instanceof FailedAttempt)) return firstPass;
    failed = firstPass;
  }
  // Only a first pass stops at a retry, so the whole page always gives an article.
  const page = prunedMarkup(html, { everyAttribute: selected });
  return extractFromMarkup(page, pageUrl, options, failed ?? 'whole') as ExtractedArticle;
}

/**
 * `start` 'first': the markup lacks what Readability's first pass removes unread, so the
 * result holds only if that pass is kept; the failed attempt is returned when Readability
 * wants to try again. Given a failed first attempt, Readability starts at its second;
 * 'whole' runs Readability on the whole page from its first try to its last.
 */
function extractFromMarkup(
  markup: string, pageUrl: string, options: ExtractOptions, start: 'first' | 'whole' | FailedAttempt,
): ExtractedArticle | FailedAttempt {
  const weights = options.blockWeights === undefined ? defaultBlockWeights() : options.blockWeights;
  const { document } = parseHTML(markup) as any;
  if (!document?.documentElement) throw new TidingsError('extract_failed', 'page has no document element');
  setDocumentUrl(document, pageUrl);
  const meta = readPageMetadata(document, pageUrl);
  const kept = applyFeedRules(document, options.rules);
  applySiteRules(document, meta.canonicalUrl ?? pageUrl, kept);
  cleanPage(document, pageUrl);
  let parsed: ReturnType<Readability['parse']> = null;
  try {
    const reader = withCandidatePattern(withShortcuts(new Readability(document, {
      classesToPreserve: ['caption', 'credit'],
      keepClasses: false,
      serializer: (el: any) => {
        removeArticleFurniture(el, meta.title ?? (String(document.title ?? "") || null));
        if (options.inspectBlocks) inspect(el, pageUrl, options.inspectBlocks);
        if (weights) pruneBlocks(el, weights);
        return el.innerHTML;
      },
    })));
    if (start instanceof FailedAttempt) start.resume(reader);
    else if (start === 'first') stopAtRetry(document, reader);
    parsed = reader.parse();
  } catch (err) {
    if (err instanceof FailedAttempt) return err;
    if (err instanceof RangeError) throw err;
    throw new TidingsError('extract_failed', `readability failed: ${(err as Error).message}`, { cause: err });
  }
  if (!parsed || !parsed.content) throw new TidingsError('extract_failed', 'no article content found on the page');
  return articleOf(parsed, parsed.content, meta, pageUrl);
}

/**
 * Readability's first try on a page, stopped where it would start its second (thrown out
 * of Readability). It is kept as Readability keeps it: the article it found, that
 * article's length, and the byline it found on the way (which later tries leave in).
 */
class FailedAttempt {
  constructor(
    readonly attempt: { articleContent: unknown; textLength: number },
    readonly byline: string | null,
  ) {}

  /** Sets a fresh Readability on the whole page where this one stopped: at its second try. */
  resume(reader: any): void {
    reader._attempts.push(this.attempt);
    reader._articleByline = this.byline;
    reader._removeFlag(reader.FLAG_STRIP_UNLIKELYS);
  }
}
/** Readability with the pruner's okMaybeItsACandidate (it spares MathJax's formulas). */
function withCandidatePattern(reader: Readability): Readability {
  const r = reader as any;
  r.REGEXPS = { ...r.REGEXPS, okMaybeItsACandidate: MAYBE_CANDIDATE };
  return reader;
}

/**
 * Readability copies the body's markup before its first try and writes it back before
 * each further one. A first pass that will be thrown away if it retries needs neither:
 * the copy is skipped (serialising the body is one of the dearest steps), the write does
 * nothing, and the first flag Readability drops to try again stops it with its attempt.
 */
function stopAtRetry(document: any, reader: any): void {
  const body = document.body;
  if (!body) return;
  Object.defineProperty(body, 'innerHTML', { configurable: true, get: () => '', set: () => {} });
  reader._removeFlag = (flag: number) => {
    if (flag !== reader.FLAG_STRIP_UNLIKELYS) throw new Error(`readability dropped flag ${flag} first`);
    throw new FailedAttempt(reader._attempts[0], reader._articleByline);
  };
}

type Parsed = NonNullable<ReturnType<Readability['parse']>>;

function articleOf(parsed: Parsed, content: string, meta: PageMetadata, pageUrl: string): ExtractedArticle {
  const url = meta.canonicalUrl && /^https?:/.test(meta.canonicalUrl) ? meta.canonicalUrl : pageUrl;
  const clean = sanitizeHtml(stripReadabilityWrapper(content), pageUrl);
  // Parsed once for both readers: neither changes the tree.
  const tree = parsedArticle(clean);
  const images = imagesOf(tree);
  const lead = meta.image ?? images[0]?.url ?? null;
  return {
    url,
    title: clean1(parsed.title) ?? meta.title,
    byline: clean1(parsed.byline) ?? meta.byline,
    siteName: clean1(parsed.siteName) ?? meta.siteName,
    published: isoOrNull(parsed.publishedTime) ?? meta.published,
    updated: meta.updated,
    lang: clean1(parsed.lang) ?? meta.lang,
    excerpt: clean1(parsed.excerpt) ?? meta.description,
    html: clean,
    text: articleText(tree),
    leadImage: lead ? { url: lead, caption: images.find((i) => i.url === lead)?.caption ?? null } : null,
    images,
  };
}

function inspect(article: any, pageUrl: string, inspectBlocks: NonNullable<ExtractOptions['inspectBlocks']>): void {
  const copy = article.cloneNode(true);
  inspectBlocks(blockFeatures(leafBlocks(article)), (keep) => {
    const kept = copy.cloneNode(true);
    leafBlocks(kept).forEach((b, i) => {
      if (!keep[i]) b.remove();
    });
    return articleText(sanitizeHtml(kept.innerHTML, pageUrl));
  });
}

function setDocumentUrl(document: any, url: string): void {
  // Readability resolves relative links against document.baseURI / documentURI.
  try {
    // Not querySelector('base[href]'): linkedom compiles the selector and tests every element.
    let base = [...document.getElementsByTagName('base')].find((b: any) => b.hasAttribute('href'));
    if (!base) {
      base = document.createElement('base');
      base.setAttribute('href', url);
      document.head?.appendChild(base);
    }
    Object.defineProperty(document, 'baseURI', { value: new URL(base.getAttribute('href'), url).href, configurable: true });
    Object.defineProperty(document, 'documentURI', { value: url, configurable: true });
  } catch {
    /* a document we cannot annotate still extracts; links stay as they are */
  }
}

function stripReadabilityWrapper(html: string): string {
  return html.replace(/^<div id="readability-page-1" class="page">([\s\S]*)<\/div>$/, '$1');
}

function clean1(s: string | null | undefined): string | null {
  const t = s?.replace(/\s+/g, ' ').trim();
  return t ? t : null;
}

function isoOrNull(s: string | null | undefined): string | null {
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : formatIso(t);
}
