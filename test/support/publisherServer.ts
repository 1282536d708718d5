import http from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in publisher on 127.0.0.1 for tests: static responses with ETag / Last-Modified
 * and 304s like a real web server, or custom handlers for misbehaviour (slow bodies,
 * huge bodies, redirects, errors). Counts requests per path.
 */
export interface StaticResponse {
  status?: number;
  type?: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  lastModified?: string;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export class PublisherServer {
  private readonly routes = new Map<string, StaticResponse | Handler>();
  readonly hits = new Map<string, number>();
  private server!: http.Server;
  origin = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  set(path: string, response: StaticResponse | Handler): void {
    this.routes.set(path, response);
  }

  count(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    const route = this.routes.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    if (typeof route === 'function') {
      route(req, res);
      return;
    }
    const body = typeof route.body === 'string' ? Buffer.from(route.body) : route.body;
    const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
    const headers: Record<string, string> = { 'content-type': route.type ?? 'text/html; charset=utf-8', etag, ...(route.lastModified ? { 'last-modified': route.lastModified } : {}), ...route.headers };
    if ((route.status ?? 200) === 200 && req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag, ...route.headers });
      res.end();
      return;
    }
    res.writeHead(route.status ?? 200, headers);
    res.end(body);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function rssFeed(opts: { title: string; link: string; items: Array<{ title: string; link: string; guid?: string; pubDate?: string; description?: string; updated?: string }> }): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>${esc(opts.title)}</title>
<link>${esc(opts.link)}</link>
<description>Test feed</description>
${opts.items
  .map(
    (i) => `<item>
<title>${esc(i.title)}</title>
<link>${esc(i.link)}</link>
<guid isPermaLink="false">${esc(i.guid ?? i.link)}</guid>
${i.pubDate ? `<pubDate>${i.pubDate}</pubDate>` : ''}
${i.updated ? `<atom:updated>${i.updated}</atom:updated>` : ''}
<description>${esc(i.description ?? '')}</description>
</item>`,
  )
  .join('\n')}
</channel>
</rss>`;
}

/** A news article page shaped like a big publisher's: header, share bar, article body, figures, footer. */
export function articlePage(opts: { title: string; siteName: string; published?: string; modified?: string; bodyHtml: string; canonical?: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${opts.title} | ${opts.siteName}</title>
<meta property="og:site_name" content="${opts.siteName}">
<meta property="og:title" content="${opts.title}">
${opts.published ? `<meta property="article:published_time" content="${opts.published}">` : ''}
${opts.modified ? `<meta property="article:modified_time" content="${opts.modified}">` : ''}
${opts.canonical ? `<link rel="canonical" href="${opts.canonical}">` : ''}
</head><body>
<header class="site-header"><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sports">Sports</a></nav></header>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
<main><article class="single">
<h1 class="headline">${opts.title}</h1>
<div class="entry-content">
${opts.bodyHtml}
</div>
</article>
<aside class="newsletter-signup"><p>Sign up for our newsletter to get the news first every morning!</p></aside>
<section class="related-stories"><h2>Read next</h2><ul><li><a href="/a">Another story you may like</a></li><li><a href="/b">Yet another story</a></li></ul></section>
</main>
<footer><p>Copyright ${opts.siteName}. All rights reserved.</p></footer>
</body></html>`;
}
