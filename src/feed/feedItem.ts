import type { Enclosure, MediaObject, ParsedItem, Person } from '../model/feed.js';
import { sanitizeHtml } from '../html/sanitizeHtml.js';

/** HTML as the feed carried it, with the base its relative links resolve against. */
export interface RawHtml {
  html: string;
  base: string | null;
}

/** HTML still in the document: read only when an item's field is first read. */
export interface HtmlSource {
  read(): RawHtml | null;
}

/** RawHtml, or where to read it from when first needed. */
export type LazyHtml = RawHtml | HtmlSource | null;

/** What an adapter hands over: a ParsedItem whose HTML is not read yet. */
export type FeedItemFields = Omit<ParsedItem, 'summary' | 'content'> & { summary: LazyHtml; content: LazyHtml };

export function readHtml(lazy: LazyHtml): RawHtml | null {
  return lazy && 'read' in lazy ? lazy.read() : lazy;
}

function sanitized(lazy: LazyHtml): string | null {
  const raw = readHtml(lazy);
  if (!raw) return null;
  const html = sanitizeHtml(raw.html, raw.base);
  return html ? html : null;
}

/**
 * One parsed item. Its HTML is sanitized when first read and then kept: a refresh reads
 * the summary and content of new items only, so the items a reader already has (most of
 * every feed, every time) cost no sanitizing at all.
 */
export class FeedItem implements ParsedItem {
  id: string | null;
  title: string | null;
  link: string | null;
  published: string | null;
  updated: string | null;
  authors: Person[];
  categories: string[];
  enclosures: Enclosure[];
  media: MediaObject[];
  comments: string | null;
  #summaryRaw: LazyHtml;
  #contentRaw: LazyHtml;
  #summary: string | null | undefined;
  #content: string | null | undefined;

  constructor(f: FeedItemFields) {
    this.id = f.id;
    this.title = f.title;
    this.link = f.link;
    this.published = f.published;
    this.updated = f.updated;
    // Copies without spare room: an array grown by push keeps room for 17 elements or
    // more, and items are held as long as their feed is (a third of an item's memory).
    this.authors = f.authors.slice();
    this.categories = f.categories.slice();
    this.enclosures = f.enclosures.slice();
    this.media = f.media.slice();
    this.comments = f.comments;
    this.#summaryRaw = f.summary;
    this.#contentRaw = f.content;
  }

  get summary(): string | null {
    if (this.#summary === undefined) {
      this.#summary = sanitized(this.#summaryRaw);
      this.#summaryRaw = null;
    }
    return this.#summary;
  }

  get content(): string | null {
    if (this.#content === undefined) {
      this.#content = sanitized(this.#contentRaw);
      this.#contentRaw = null;
    }
    return this.#content;
  }

  /** The item as spec/cli-json.md lays it out. */
  toJSON(): ParsedItem {
    return {
      id: this.id,
      title: this.title,
      link: this.link,
      summary: this.summary,
      content: this.content,
      published: this.published,
      updated: this.updated,
      authors: this.authors,
      categories: this.categories,
      enclosures: this.enclosures,
      media: this.media,
      comments: this.comments,
    };
  }
}
