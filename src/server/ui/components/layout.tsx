import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Session, SidebarFeed } from '../../../model/article.js';
import { ASSETS } from '../assets.js';
import type { Flash } from '../flash.js';
import type { FeedLink } from '../feedsOut.js';
import { Sidebar, type ListContext } from './sidebar.js';

/** Signs an image URL for the image proxy; null when the proxy is off. */
export type ImageUrls = ((url: string) => string) | null;

/** What every page around its content shows: who is signed in, the search box, the sidebar. */
export interface Chrome {
  session?: Session | null;
  searchValue?: string;
  /** Feeds of what the page shows (when the reader has feeds out in this browser). */
  alternates?: readonly FeedLink[];
  flash?: Flash | null;
  /** The reader's feeds and folders beside the page, and which list is open. */
  sidebar?: { feeds: SidebarFeed[]; current: ListContext } | null;
  images?: ImageUrls;
}

/** A whole page as HTML: the one renderToString call of a request. */
export function renderPage(title: string, chrome: Chrome, main: ComponentChildren, listPane?: VNode | null): string {
  return `<!doctype html>\n${renderToString(<Page title={title} chrome={chrome} listPane={listPane ?? null}>{main}</Page>)}`;
}

function Page(p: { title: string; chrome: Chrome; listPane: VNode | null; children: ComponentChildren }) {
  const { chrome } = p;
  const session = chrome.session ?? null;
  const sidebar = session && chrome.sidebar ? chrome.sidebar : null;
  const shell = `shell${sidebar ? ' has-sidebar' : ''}${sidebar && p.listPane ? ' has-list' : ''}`;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="theme-color" content="#0b5cad" />
        <link rel="manifest" href="/manifest.webmanifest" />
        <link rel="icon" href="/static/icon.svg" type="image/svg+xml" />
        <script src={ASSETS.js.href} defer></script>
        <title>{`${p.title} · Tidings`}</title>
        <link rel="stylesheet" href={ASSETS.css.href} />
        {(chrome.alternates ?? []).map((l) => <link rel="alternate" type={l.type} title={l.title} href={l.href} />)}
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/">Tidings</a>
          <nav aria-label="Sections"><a href="/">River</a><a href="/feeds">Feeds</a></nav>
          <form class="search" role="search" action="/search" method="get">
            <label for="q" class="visually-hidden">Search articles</label>
            <input id="q" name="q" type="search" placeholder="Search" value={chrome.searchValue ?? ''} />
          </form>
          {session && (
            <form class="logout" action="/logout" method="post">
              <input type="hidden" name="_csrf" value={session.csrfToken} />
              <a href="/account">{session.user.name}</a>{' '}
              <button type="submit">Sign out</button>
            </form>
          )}
        </header>
        <div class={shell}>
          <main id="main">
            <FlashRegion flash={chrome.flash ?? null} />
            {p.children}
          </main>
          {sidebar && p.listPane}
          {sidebar && <Sidebar feeds={sidebar.feeds} current={sidebar.current} images={chrome.images ?? null} />}
        </div>
      </body>
    </html>
  );
}

/** A polite live region, present on every page so screen readers announce what lands in it. */
function FlashRegion({ flash }: { flash: Flash | null }) {
  return (
    <div class="flash-region" role="status" aria-live="polite">
      {flash && (
        <p class={`flash flash-${flash.kind}`}>
          {flash.message}
          {flash.code && <small class="code">{flash.code}</small>}
        </p>
      )}
    </div>
  );
}
