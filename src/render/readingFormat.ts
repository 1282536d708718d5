import { updatedAtOf, type ArticleView } from '../model/article.js';
import { escapeAttr, escapeText } from '../html/escape.js';
import { articleText } from './articleText.js';
import { formatLocalTime, relativeAge } from './time.js';
import { collapseWhitespace } from '../text/whitespace.js';

/** The parts of the reading format (shared/spec/reading-format.md), for the terminal and the web alike. */
export interface ReadingParts {
  title: string;
  source: string;
  section: string | null;
  createdAt: string;
  updatedAt: string;
  created: string;
  updated: string;
  age: string;
  body: string;
  url: string;
  wasUpdated: boolean;
}

export function readingParts(a: ArticleView, opts: { now: Date; timeZone: string }): ReadingParts {
  const updatedAt = updatedAtOf(a);
  return {
    title: collapseWhitespace(a.title),
    source: a.sourceName,
    section: a.section,
    createdAt: a.publishedAt,
    updatedAt,
    created: formatLocalTime(a.publishedAt, opts.timeZone),
    updated: formatLocalTime(updatedAt, opts.timeZone),
    age: relativeAge(updatedAt, opts.now),
    body: a.html ? articleText(a.html) : a.text,
    url: a.canonicalUrl,
    wasUpdated: Date.parse(updatedAt) > Date.parse(a.publishedAt),
  };
}

export function headerLine(p: ReadingParts): string {
  const by = p.section ? `${p.source} (${p.section})` : p.source;
  return `By ${by} | Created at ${p.created} | Updated at ${p.updated} ${p.age}`;
}

/** The article as text. `hyperlinks`: the terminal understands OSC 8 links. */
export function renderText(p: ReadingParts, opts: { hyperlinks: boolean }): string {
  const link = opts.hyperlinks ? `\u001b]8;;${p.url}\u001b\\Read Entire Article\u001b]8;;\u001b\\` : `Read Entire Article: ${p.url}`;
  const parts = [p.title, headerLine(p)];
  if (p.body.trim()) parts.push(p.body.trim());
  parts.push(link);
  return `${parts.join('\n\n')}\n`;
}

/** A standalone HTML fragment with the same parts and order (used by `show --format html`). */
export function renderHtmlFragment(p: ReadingParts, html: string): string {
  return [
    `<article class="reading">`,
    `<h1>${escapeText(p.title)}</h1>`,
    `<p class="byline">By ${escapeText(p.source)}${p.section ? ` (${escapeText(p.section)})` : ''} | Created at <time datetime="${p.createdAt}">${p.created}</time> | Updated at <time datetime="${p.updatedAt}">${p.updated}</time> ${escapeText(p.age)}</p>`,
    `<div class="body">${html}</div>`,
    `<p class="original"><a href="${escapeAttr(p.url)}" rel="noopener noreferrer">Read Entire Article</a></p>`,
    `</article>`,
  ].join('\n');
}
