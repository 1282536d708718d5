import { html, type SafeHtml } from './html.js';

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

export function alternateLinks(links: readonly FeedLink[]): SafeHtml {
  return html`${links.map((l) => html`<link rel="alternate" type="${l.type}" title="${l.title}" href="${l.href}">\n`)}`;
}

export function feedsOutSection(s: FeedsOutState, csrf: string): SafeHtml {
  const form = (action: string, label: string, extra: SafeHtml | string = '') =>
    html`<form class="state" method="post" action="${action}"><input type="hidden" name="_csrf" value="${csrf}">${extra}<button type="submit">${label}</button></form>`;
  return html`<h2 id="feeds">Feeds of your articles</h2>
<p class="muted">RSS, Atom and JSON Feed of your river, a folder, a feed, your starred articles or a search, with the full text, for any feed reader. Their addresses hold a secret: anyone who has one reads those feeds.</p>
${s.error ? html`<p class="form-error" role="alert">${s.error}</p>` : ''}
${s.made ? html`<p role="status">New feed addresses made; the old ones no longer work. Pages in this browser now link the feed of what they show (river, folder, feed, starred, search).</p>` : ''}
${s.links ? html`<ul class="feeds-out">${s.links.map((l) => html`<li><a href="${l.href}" type="${l.type}">${l.title}</a></li>`)}</ul>` : ''}
${s.createdAt && !s.links ? html`<p>Your feeds secret was made on ${s.createdAt.replace('T', ' ').replace('Z', '')} UTC. Only its hash is kept, so its addresses show in the browser that made it. To show them here, paste one of its feed addresses:</p>
${form('/account/feeds/show', 'Show here', html`<label for="fsecret">Feed address</label> <input id="fsecret" name="secret" autocomplete="off"> `)}` : ''}
${form('/account/feeds', s.createdAt ? 'Make new addresses (the old ones stop working)' : 'Make feed addresses')}
${s.createdAt ? form('/account/feeds', 'Turn feeds off', html`<input type="hidden" name="action" value="off">`) : ''}`;
}
