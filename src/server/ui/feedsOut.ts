/** A feed of a view: `<link rel="alternate">` in a page's head, a link on the Account page. */
export interface FeedLink {
  type: string;
  title: string;
  href: string;
}

/** The reader's feeds out as the Account page shows them. */
export interface FeedsOutState {
  /** When the current secret was made; null while feeds out are off. */
  createdAt: string | null;
  /** The feeds' URLs, when this browser holds the current secret. */
  links: FeedLink[] | null;
  /** The secret was made on this request. */
  made?: boolean;
  error?: string;
}

/** A view of the web app, named as its feeds out name it. */
export type WebView = { kind: 'river' | 'starred' } | { kind: 'folder' | 'feed'; name: string } | { kind: 'search'; query: URLSearchParams };

const FORMATS = [
  { ext: 'atom', type: 'application/atom+xml', label: 'Atom' },
  { ext: 'rss', type: 'application/rss+xml', label: 'RSS' },
  { ext: 'json', type: 'application/feed+json', label: 'JSON Feed' },
] as const;

/** The three feeds of a view, as `<link rel="alternate">` and Account page links. */
export function feedLinks(secret: string, view: WebView, title: string): FeedLink[] {
  const base = `/syndication/${secret}`;
  const path = (ext: string) => {
    if (view.kind === 'folder' || view.kind === 'feed') return `${base}/${view.kind}/${encodeURIComponent(view.name)}.${ext}`;
    if (view.kind === 'search') return `${base}/search.${ext}?${view.query}`;
    return `${base}/${view.kind}.${ext}`;
  };
  return FORMATS.map((f) => ({ type: f.type, title: `${title} (${f.label})`, href: path(f.ext) }));
}
