import { parseDate } from '../text/dates.js';

/** What a news page says about itself in JSON-LD and meta tags, read before Readability edits the DOM. */
export interface PageMetadata {
  title: string | null;
  byline: string | null;
  siteName: string | null;
  published: string | null;
  updated: string | null;
  canonicalUrl: string | null;
  lang: string | null;
  description: string | null;
  image: string | null;
}

type Doc = {
  querySelector(sel: string): { getAttribute(n: string): string | null; textContent: string | null } | null;
  querySelectorAll(sel: string): ArrayLike<{ getAttribute(n: string): string | null; textContent: string | null }>;
  documentElement: { getAttribute(n: string): string | null } | null;
};

export function readPageMetadata(doc: Doc, pageUrl: string): PageMetadata {
  // One pass over the meta tags (property, name and itemprop alike), first one wins.
  const metas = new Map<string, string>();
  const all = doc.querySelectorAll('meta');
  for (let i = 0; i < all.length; i++) {
    const el = all[i]!;
    const content = el.getAttribute('content')?.trim();
    if (!content) continue;
    for (const attr of ['property', 'name', 'itemprop']) {
      const key = el.getAttribute(attr)?.trim().toLowerCase();
      if (key && !metas.has(key)) metas.set(key, content);
    }
  }
  const meta = (...names: string[]): string | null => {
    for (const n of names) {
      const v = metas.get(n.toLowerCase());
      if (v) return v;
    }
    return null;
  };
  const ld = jsonLdArticle(doc);
  const abs = (u: string | null | undefined) => {
    if (!u) return null;
    try {
      return new URL(u, pageUrl).href;
    } catch {
      // A broken link in the page's metadata is no link.
      return null;
    }
  };
  const canonical = doc.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? meta('og:url');
  return {
    title: meta('og:title', 'twitter:title') ?? ldString(ld?.headline) ?? ldString(ld?.name),
    byline: ldAuthors(ld?.author) ?? meta('author', 'article:author', 'byl', 'dc.creator', 'sailthru.author'),
    siteName: meta('og:site_name', 'application-name') ?? ldString((ld?.publisher as Record<string, unknown> | undefined)?.name),
    published:
      parseDate(meta('article:published_time', 'datePublished', 'pubdate', 'publishdate', 'dc.date.issued', 'sailthru.date', 'parsely-pub-date')) ??
      parseDate(ldString(ld?.datePublished)) ??
      parseDate(doc.querySelector('time[datetime]')?.getAttribute('datetime')),
    updated: parseDate(meta('article:modified_time', 'og:updated_time', 'dateModified', 'last-modified')) ?? parseDate(ldString(ld?.dateModified)),
    canonicalUrl: abs(canonical),
    lang: doc.documentElement?.getAttribute('lang')?.trim() || meta('og:locale'),
    description: meta('og:description', 'description', 'twitter:description'),
    image: abs(meta('og:image', 'twitter:image', 'og:image:url') ?? ldImage(ld?.image)),
  };
}

const ARTICLE_TYPES = /^(?:NewsArticle|Article|ReportageNewsArticle|AnalysisNewsArticle|BlogPosting|LiveBlogPosting|OpinionNewsArticle|ReviewNewsArticle|BackgroundNewsArticle|Report|WebPage)$/;

function jsonLdArticle(doc: Doc): Record<string, unknown> | null {
  const scripts = doc.querySelectorAll('script[type="application/ld+json"]');
  let fallback: Record<string, unknown> | null = null;
  for (let i = 0; i < scripts.length; i++) {
    let data: unknown;
    try {
      data = JSON.parse(scripts[i]!.textContent ?? '');
    } catch {
      // Malformed JSON-LD is common on the web: that block says nothing, the others still count.
      continue;
    }
    const queue: unknown[] = [data];
    while (queue.length) {
      const v = queue.shift();
      if (Array.isArray(v)) queue.push(...v);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (Array.isArray(o['@graph'])) queue.push(...(o['@graph'] as unknown[]));
        const types = ([] as unknown[]).concat(o['@type'] ?? []);
        if (types.some((t) => typeof t === 'string' && ARTICLE_TYPES.test(t))) {
          if (types.some((t) => t !== 'WebPage')) return o;
          fallback ??= o;
        }
      }
    }
  }
  return fallback;
}

function ldString(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() || null;
  if (Array.isArray(v)) return ldString(v[0]);
  return null;
}

function ldAuthors(v: unknown): string | null {
  const list = ([] as unknown[]).concat(v ?? []);
  const names = list
    .map((a) => (typeof a === 'string' ? a : a && typeof a === 'object' ? (a as Record<string, unknown>).name : null))
    .filter((n): n is string => typeof n === 'string' && n.trim().length > 0)
    .map((n) => n.trim());
  return names.length ? names.join(', ') : null;
}

function ldImage(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return ldImage(v[0]);
  if (v && typeof v === 'object') return ldString((v as Record<string, unknown>).url);
  return null;
}
