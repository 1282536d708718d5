import { subscriptionTitle, type ArticleView, type FeedWithSource, type Revision, type Session } from '../../model/article.js';
import { changedWords, renderDiffHtml, wordDiff } from '../../render/wordDiff.js';
import type { ArticleListItem } from '../../store/store.js';
import { readingParts } from '../../render/readingFormat.js';
import { markHit } from '../../render/searchHighlight.js';
import { formatLocalTime, relativeAge } from '../../render/time.js';
import { esc, html, raw, type SafeHtml } from './html.js';
import type { SearchHit } from '../../store/store.js';
import { alternateLinks, feedLinks, feedsOutSection, type FeedLink, type FeedsOutState, type WebView } from './feedsOutSection.js';
import type { JobFailure } from '../../jobs/jobQueue.js';
import type { ImportOutcome } from '../../ingest/opmlImport.js';

export interface Chrome {
  session?: Session | null;
  searchValue?: string;
  /** Feeds of what the page shows (when the reader has feeds out in this browser). */
  alternates?: readonly FeedLink[];
  /** The message of the last action (server/flash.ts): from the session, never from the URL. */
  flash?: PageFlash | null;
}

export type PageFlash = { kind: 'error' | 'ok'; message: string; code?: string; typed?: Record<string, string> };

/** The flash as one line; the ui branch restyles it. */
function flashLine(f: PageFlash | null | undefined): SafeHtml | string {
  if (!f) return '';
  return html`<p class="flash flash-${f.kind}" role="${f.kind === 'error' ? 'alert' : 'status'}">${f.message}${f.code ? html` <small class="code">(${f.code})</small>` : ''}</p>`;
}

export function layout(title: string, body: SafeHtml, chrome: Chrome = {}): string {
  const searchValue = chrome.searchValue ?? '';
  const session = chrome.session ?? null;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="theme-color" content="#0b5cad">
<link rel="manifest" href="/manifest.webmanifest">
<link rel="icon" href="/static/icon.svg" type="image/svg+xml">
<script src="/static/app.js" defer></script>
<title>${title} · Tidings</title>
<link rel="stylesheet" href="/static/app.css">
${alternateLinks(chrome.alternates ?? [])}</head>
<body>
<header class="top"><a class="brand" href="/">Tidings</a><a href="/">River</a><a href="/feeds">Feeds</a>
<form class="search" role="search" action="/search" method="get"><label for="q" class="visually-hidden">Search articles</label><input id="q" name="q" type="search" placeholder="Search" value="${searchValue}"></form>
${session ? html`<form class="logout" action="/logout" method="post"><input type="hidden" name="_csrf" value="${session.csrfToken}"><a href="/account">${session.user.name}</a> <button type="submit">Sign out</button></form>` : ''}</header>
<main id="main">
${flashLine(chrome.flash)}
${body}
</main>
</body>
</html>`.value;
}

export function riverPage(
  items: ArticleListItem[],
  opts: { now: Date; timeZone: string; nextCursor: string | null; feed: (FeedWithSource & { customTitle?: string | null }) | null; session?: Session | null; show?: 'all' | 'unread' | 'starred'; folder?: string | null; feedSecret?: string | null; flash?: PageFlash | null; onboarding?: Onboarding | null },
): string {
  const heading = opts.feed ? subscriptionTitle(opts.feed) : opts.folder ? `Folder: ${opts.folder}` : 'All articles';
  const session = opts.session ?? null;
  const show = opts.show ?? 'all';
  const base = opts.feed ? `?feed=${opts.feed.id}&` : opts.folder ? `?folder=${encodeURIComponent(opts.folder)}&` : '?';
  const here = `/${base}show=${show}`.replace('/?show=all', '/').replace('&show=all', '');
  const newest = items[0]?.published;
  const stateForm = (a: ArticleListItem) =>
    session
      ? html`<form class="state" method="post" action="/articles/${a.id}/state"><input type="hidden" name="_csrf" value="${session.csrfToken}"><input type="hidden" name="next" value="${here}">
<button type="submit" name="read" value="${a.read ? '0' : '1'}">${a.read ? 'Mark unread' : 'Mark read'}</button>
<button type="submit" name="starred" value="${a.starred ? '0' : '1'}" aria-pressed="${a.starred ? 'true' : 'false'}">${a.starred ? '★ Starred' : '☆ Star'}</button></form>`
      : '';
  const body = html`<h1>${heading}</h1>
${session
  ? html`<nav class="filters" aria-label="Show">${(['all', 'unread', 'starred'] as const).map((k) => html`<a href="/${base}show=${k}"${k === show ? raw(' aria-current="page"') : ''}>${k[0]!.toUpperCase() + k.slice(1)}</a> `)}
${newest ? html`<form class="state" method="post" action="/read-all"><input type="hidden" name="_csrf" value="${session.csrfToken}"><input type="hidden" name="upTo" value="${newest}"><input type="hidden" name="next" value="${here}">${opts.feed ? html`<input type="hidden" name="feed" value="${opts.feed.id}">` : ''}${opts.folder ? html`<input type="hidden" name="folder" value="${opts.folder}">` : ''}<button type="submit">Mark all read</button></form>` : ''}</nav>`
  : ''}
${opts.onboarding && session ? onboardingSection(opts.onboarding, session) : items.length === 0 ? html`<p class="muted">${show === 'unread' ? 'Nothing unread.' : show === 'starred' ? 'No starred articles.' : html`No articles yet. Feeds are refreshed in the background; see <a href="/feeds">Feeds</a> for their status.`}</p>` : ''}
<ol class="river">
${items.map(
  (a) => html`<li class="${a.read ? 'read' : 'unread'}" data-id="${a.id}">
<div class="meta">${a.source}${a.section ? html` (${a.section})` : ''} · <time datetime="${a.updated}" title="${formatLocalTime(a.updated, opts.timeZone)}">${relativeAge(a.updated, opts.now)}</time>${a.updated !== a.published ? html` · <span class="updated">updated</span>` : ''}</div>
<h2><a href="/articles/${a.id}">${a.title}</a></h2>
${a.excerpt ? html`<p class="excerpt">${truncate(a.excerpt, 220)}</p>` : ''}
${stateForm(a)}
</li>`,
)}
</ol>
${opts.nextCursor ? html`<nav class="pager"><a rel="next" href="${base}${show !== 'all' ? `show=${show}&` : ''}before=${opts.nextCursor}">Older articles →</a></nav>` : ''}`;
  const view: WebView = opts.feed ? { kind: 'feed', name: String(opts.feed.id) } : opts.folder ? { kind: 'folder', name: opts.folder } : show === 'starred' ? { kind: 'starred' } : { kind: 'river' };
  const feedTitle = view.kind === 'starred' ? 'Starred' : heading;
  return layout(heading, body, { session, alternates: opts.feedSecret ? feedLinks(opts.feedSecret, view, feedTitle) : [], flash: opts.flash ?? null });
}

export function articlePage(a: ArticleView, opts: { now: Date; timeZone: string; revisions?: Revision[]; session?: Session | null; flash?: PageFlash | null }): string {
  const p = readingParts(a, opts);
  const revisions = opts.revisions ?? [];
  const last = revisions[revisions.length - 1];
  const prev = revisions[revisions.length - 2];
  const changes = last && prev ? wordDiff(prev.text, last.text) : null;
  const counts = changes ? changedWords(changes) : null;
  const body = html`<article class="reading">
<h1>${p.title}</h1>
<p class="byline">By ${p.source}${p.section ? ` (${p.section})` : ''} | Created at <time datetime="${p.createdAt}">${p.created}</time> | ${p.wasUpdated ? html`<span class="updated">Updated at</span>` : 'Updated at'} <time datetime="${p.updatedAt}">${p.updated}</time> ${p.age}</p>
${changes && last && prev
  ? html`<details class="changes">
<summary>What changed on ${formatLocalTime(last.seenAt, opts.timeZone)}: ${counts!.removed} word(s) removed, ${counts!.added} added (revision ${revisions.length} of ${revisions.length})</summary>
${prev.title !== last.title ? html`<p class="title-change">${raw(renderDiffHtml(wordDiff(prev.title, last.title)))}</p>` : ''}
<div class="diff">${raw(renderDiffHtml(changes))}</div>
</details>`
  : ''}
<div class="body">${raw(withImageHints(a.html))}</div>
<p class="original"><a href="${p.url}" rel="noopener noreferrer">Read Entire Article</a></p>
${opts.session ? html`<form class="state" method="post" action="/articles/${a.id}/recheck"><input type="hidden" name="_csrf" value="${opts.session.csrfToken}"><button type="submit">Check for updates</button></form>` : ''}
</article>`;
  return layout(p.title, body, { session: opts.session ?? null, flash: opts.flash ?? null });
}

/** What a reader who follows nothing may start with (server/onboardingRoutes.ts). */
export interface Onboarding {
  /** The instance's feeds this reader does not follow. */
  feeds: Array<{ id: number; title: string; siteUrl: string | null }>;
  /** Whether the starter list of world-news feeds can be subscribed to. */
  starter: boolean;
}

/** Replaces the empty river for a newcomer; the ui branch gives it its own view. */
function onboardingSection(o: Onboarding, session: Session): SafeHtml {
  const csrf = html`<input type="hidden" name="_csrf" value="${session.csrfToken}">`;
  return html`<section class="onboarding"><h2>Start reading</h2><p>You follow no feeds yet. Pick some this Tidings already reads, take the starter list, or <a href="/feeds">paste a feed or site address</a>.</p>
${o.feeds.length ? html`<ul>${o.feeds.map((f) => html`<li><form class="state" method="post" action="/feeds/${f.id}/follow">${csrf}<button type="submit">Follow</button> ${f.title}</form></li>`)}</ul>` : ''}
${o.starter ? html`<form class="state" method="post" action="/feeds/starter">${csrf}<button type="submit">Subscribe to the starter list (world news)</button></form>` : ''}</section>`;
}

export function feedsPage(feeds: Array<FeedWithSource & { folder?: string | null; customTitle?: string | null; itemsPerDay?: number; activity?: number[]; jobFailure?: JobFailure | null }>, opts: {
    now: Date; timeZone: string; session?: Session | null; canSubscribe?: boolean; error?: string | null; note?: string | null;
    opmlImport?: ImportOutcome | null; flash?: PageFlash | null;
    choices?: { url: string; folder: string; feeds: Array<{ url: string; title: string | null; format: string; items: number }> };
  }): string {
  const session = opts.session ?? null;
  const body = html`<h1>Feeds</h1>
${opts.error ? html`<p class="form-error" role="alert">${opts.error}</p>` : ''}
${opts.note ? html`<p role="status">${opts.note}</p>` : ''}
${opts.opmlImport ? importNote(opts.opmlImport, opts.now) : ''}
${opts.choices && session
  ? html`<form class="subscribe choices" method="post" action="/feeds"><input type="hidden" name="_csrf" value="${session.csrfToken}"><input type="hidden" name="url" value="${opts.choices.url}"><input type="hidden" name="folder" value="${opts.choices.folder}">
<fieldset><legend>${opts.choices.url} offers ${opts.choices.feeds.length} feeds: which one?</legend>
${opts.choices.feeds.map((c, i) => html`<p><input type="radio" id="pick${i + 1}" name="pick" value="${i + 1}"${i === 0 ? raw(' checked') : ''}> <label for="pick${i + 1}">${c.title ?? '(untitled)'} — ${c.url} (${c.format}, ${c.items} items)</label></p>`)}
<p><button type="submit">Subscribe to this one</button></p></fieldset></form>`
  : ''}
${session && opts.canSubscribe
  ? html`<form class="subscribe" method="post" action="/feeds"><input type="hidden" name="_csrf" value="${session.csrfToken}">
<label for="url">Subscribe to a feed or a site</label> <input id="url" name="url" type="url" required placeholder="https://…" value="${opts.flash?.typed?.url ?? ''}">
<label for="folder">Folder</label> <input id="folder" name="folder" placeholder="optional" value="${opts.flash?.typed?.folder ?? ''}"> <button type="submit">Subscribe</button></form>
<p class="muted"><a href="/feeds/export.opml">Export subscriptions (OPML)</a></p>
<details><summary>Import subscriptions (OPML)</summary><form class="subscribe" method="post" action="/feeds/import"><input type="hidden" name="_csrf" value="${session.csrfToken}">
<p><label for="opml">Paste an OPML file</label><br><textarea id="opml" name="opml" rows="6" cols="60" required></textarea></p><p><button type="submit">Import</button></p></form></details>`
  : ''}
<table class="feeds">
<thead><tr><th scope="col">Source (section)</th><th scope="col">Last fetch</th><th scope="col">Status</th><th scope="col">Next check</th>${session ? html`<th scope="col">Actions</th>` : ''}</tr></thead>
<tbody>
${feeds.map(
  (f) => html`<tr>
<td><a href="/?feed=${f.id}">${subscriptionTitle(f)}</a>${f.folder ? html` · <a href="/?folder=${encodeURIComponent(f.folder)}">${f.folder}</a>` : ''}<br><span class="muted">${f.url}</span></td>
<td>${f.lastFetchedAt ? html`<time datetime="${f.lastFetchedAt}">${relativeAge(f.lastFetchedAt, opts.now)}</time>` : 'never'}${f.itemsPerDay !== undefined ? html`<br><span class="muted">${f.itemsPerDay} a day</span>` : ''}${f.activity ? activityChart(f.activity, opts.now) : ''}</td>
<td class="${f.lastStatus === 'error' ? 'status-error' : ''}">${f.health === 'failing' ? html`<strong>failing</strong>` : f.lastStatus}${f.lastErrorCode ? html`<br>${f.lastErrorCode}: ${truncate(f.lastError ?? '', 160)}${f.errorCount > 1 ? html` (${f.errorCount} times)` : ''}` : ''}${f.jobFailure ? jobFailureNote(f.jobFailure, opts.now) : ''}</td>
<td>${f.nextCheckAt ? formatLocalTime(f.nextCheckAt, opts.timeZone) : 'now'}</td>
${session
  ? html`<td><form class="state" method="post" action="/feeds/${f.id}/refresh"><input type="hidden" name="_csrf" value="${session.csrfToken}"><button type="submit">Refresh now</button></form>
<details><summary>Rename or file</summary><form class="state" method="post" action="/feeds/${f.id}/edit"><input type="hidden" name="_csrf" value="${session.csrfToken}">
<label for="t${f.id}">Name</label> <input id="t${f.id}" name="title" value="${f.customTitle ?? ''}"> <label for="f${f.id}">Folder</label> <input id="f${f.id}" name="folder" value="${f.folder ?? ''}"> <button type="submit">Save</button></form></details>
<form class="state" method="post" action="/feeds/${f.id}/unsubscribe"><input type="hidden" name="_csrf" value="${session.csrfToken}"><button type="submit">Unsubscribe</button></form></td>`
  : ''}
</tr>`,
)}
</tbody>
</table>`;
  return layout('Feeds', body, { session: opts.session ?? null, flash: opts.flash ?? null });
}

export interface SearchFilters {
  feed?: number | undefined;
  source?: number | undefined;
  from: string;
  to: string;
  show: 'all' | 'unread' | 'starred';
  folder?: string | undefined;
}

export function searchPage(
  query: string,
  hits: SearchHit[],
  opts: { now: Date; timeZone: string; session?: Session | null; feeds?: Array<FeedWithSource & { folder: string | null }>; filters?: SearchFilters; feedSecret?: string | null; flash?: PageFlash | null },
): string {
  const marked = (s: string) => raw(esc(s).replace(/\u0002/g, '<mark>').replace(/\u0003/g, '</mark>'));
  const f = opts.filters ?? { from: '', to: '', show: 'all' };
  const folders = [...new Set((opts.feeds ?? []).map((x) => x.folder).filter((x): x is string => !!x))].sort();
  const sources = [...new Map((opts.feeds ?? []).map((x) => [x.sourceId, x.sourceName] as const)).entries()].sort((a, b) => a[1].localeCompare(b[1]));
  const body = html`<h1>Search</h1>
${opts.session
  ? html`<form class="filters" method="get" action="/search">
<p><label for="sq">Words</label> <input id="sq" name="q" type="search" value="${query}"></p>
<p><label for="sfeed">Feed</label> <select id="sfeed" name="feed"><option value="">All my feeds</option>${(opts.feeds ?? []).map((x) => html`<option value="${x.id}"${f.feed === x.id ? raw(' selected') : ''}>${x.sourceName}${x.section ? ` (${x.section})` : ''}</option>`)}</select>
${sources.length > 1 ? html` <label for="ssource">Source</label> <select id="ssource" name="source"><option value="">Any</option>${sources.map(([id, name]) => html`<option value="${id}"${f.source === id ? raw(' selected') : ''}>${name}</option>`)}</select>` : ''}
${folders.length ? html` <label for="sfolder">Folder</label> <select id="sfolder" name="folder"><option value="">Any</option>${folders.map((x) => html`<option${f.folder === x ? raw(' selected') : ''}>${x}</option>`)}</select>` : ''}</p>
<p><label for="sfrom">From</label> <input id="sfrom" name="from" type="date" value="${f.from}"> <label for="sto">to</label> <input id="sto" name="to" type="date" value="${f.to}">
<label for="sshow">Show</label> <select id="sshow" name="show">${(['all', 'unread', 'starred'] as const).map((k) => html`<option value="${k}"${f.show === k ? raw(' selected') : ''}>${k}</option>`)}</select>
<button type="submit">Search</button></p>
</form>`
  : ''}
${query ? html`<p class="muted">${hits.length === 0 ? 'No articles match' : `${hits.length}${hits.length === 50 ? '+' : ''} article(s) match`} “${query}”.</p>` : html`<p class="muted">Every word must match; "quoted words" match as a phrase; word* matches as a prefix.</p>`}
<ol class="river">
${hits.map((h) => {
  const m = markHit(h);
  return html`<li>
<div class="meta">${h.source}${h.section ? html` (${h.section})` : ''} · <time datetime="${h.updated}" title="${formatLocalTime(h.updated, opts.timeZone)}">${relativeAge(h.updated, opts.now)}</time></div>
<h2><a href="/articles/${h.id}">${marked(m.titleMarked)}</a></h2>
<p class="excerpt">${marked(m.snippetMarked)}</p>
</li>`;
})}
</ol>`;
  const alternates = opts.feedSecret && query ? feedLinks(opts.feedSecret, { kind: 'search', query: searchFeedQuery(query, f) }, `Search: ${query}`) : [];
  return layout(query ? `Search: ${query}` : 'Search', body, { session: opts.session ?? null, searchValue: query, alternates, flash: opts.flash ?? null });
}

/** The filters a saved-search feed keeps (server/syndication/views.ts reads the same). */
function searchFeedQuery(q: string, f: Partial<SearchFilters>): URLSearchParams {
  const params = new URLSearchParams({ q });
  if (f.show && f.show !== 'all') params.set('show', f.show);
  if (f.folder) params.set('folder', f.folder);
  if (f.feed !== undefined) params.set('feed', String(f.feed));
  if (f.source !== undefined) params.set('source', String(f.source));
  return params;
}

export function accountPage(p: {
  session: Session;
  tokens: Array<{ id: string; name: string; createdAt: string; lastUsedAt: string | null }>;
  newToken: { name: string; token: string } | null;
  password?: { error: string } | { changed: true; sessionsEnded: number };
  /** When the reader's Fever password was set (null: none), and the outcome of setting or removing it. */
  fever: { setAt: string | null; outcome?: { error: string } | { done: string } };
  feedsOut?: FeedsOutState;
}): string {
  const pw = p.password;
  const body = html`<h1>Account</h1>
<p>Signed in as <strong>${p.session.user.name}</strong>${p.session.user.isAdmin ? ' (administrator)' : ''}.</p>
<h2 id="password">Password</h2>
${pw && 'error' in pw ? html`<p class="form-error" role="alert">${pw.error}</p>` : ''}
${pw && 'changed' in pw ? html`<p role="status">Password changed.${pw.sessionsEnded ? ` Signed out ${pw.sessionsEnded} other session${pw.sessionsEnded === 1 ? '' : 's'}.` : ''} API tokens keep working; revoke them below if one may be lost.</p>` : ''}
<form class="auth" method="post" action="/account/password">
<input type="hidden" name="_csrf" value="${p.session.csrfToken}">
<input type="text" name="name" aria-label="Name" autocomplete="username" value="${p.session.user.name}" hidden>
<p><label for="current">Current password</label><br><input id="current" name="current" type="password" autocomplete="current-password" required></p>
<p><label for="newpw">New password (at least 10 characters)</label><br><input id="newpw" name="password" type="password" autocomplete="new-password" minlength="10" required></p>
<p><label for="confirm">New password again</label><br><input id="confirm" name="confirm" type="password" autocomplete="new-password" minlength="10" required></p>
<p><button type="submit">Change password</button> <span class="muted">Signs out your other sessions.</span></p>
</form>
${p.feedsOut ? feedsOutSection(p.feedsOut, p.session.csrfToken) : ''}
<h2>API tokens</h2>
<p class="muted">For apps that use the <a href="/api/v1/openapi.json">REST API</a>: send <code>Authorization: Bearer &lt;token&gt;</code>.</p>
${p.newToken ? html`<p role="status">New token “${p.newToken.name}” — copy it now, it is not shown again: <code class="token">${p.newToken.token}</code></p>` : ''}
<table class="feeds"><thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Actions</th></tr></thead><tbody>
${p.tokens.map(
  (t) => html`<tr><td>${t.name}</td><td>${t.createdAt.replace('T', ' ').replace('Z', '')}</td><td>${t.lastUsedAt ? t.lastUsedAt.replace('T', ' ').replace('Z', '') : 'never'}</td>
<td><form class="state" method="post" action="/account/tokens/revoke"><input type="hidden" name="_csrf" value="${p.session.csrfToken}"><input type="hidden" name="id" value="${t.id}"><button type="submit">Revoke</button></form></td></tr>`,
)}
</tbody></table>
<form class="subscribe" method="post" action="/account/tokens"><input type="hidden" name="_csrf" value="${p.session.csrfToken}"><label for="tname">New token for</label> <input id="tname" name="name" placeholder="e.g. phone app"> <button type="submit">Create token</button></form>
${feverSection(p.session, p.fever)}`;
  return layout('Account', body, { session: p.session });
}

/** The Fever password: its own, never the sign-in one; setting it asks for the sign-in password, removing it does not. */
function feverSection(session: Session, fever: { setAt: string | null; outcome?: { error: string } | { done: string } }): SafeHtml {
  const o = fever.outcome;
  return html`<h2 id="fever">Fever password</h2>
<p class="muted">For apps that sync through the Fever API (Reeder, ReadKit, Unread, Fiery Feeds): enter this site's address followed by <code>/fever/</code>, your name <strong>${session.user.name}</strong>, and this password. It is not your sign-in password and opens nothing else; the server keeps only a hash of the key apps make from it. Changing your name ends it.</p>
${o && 'error' in o ? html`<p class="form-error" role="alert">${o.error}</p>` : ''}
${o && 'done' in o ? html`<p role="status">${o.done}</p>` : ''}
${fever.setAt
  ? html`<p>A Fever password is set (since ${fever.setAt.replace('T', ' ').replace('Z', '')} UTC).</p>
<form class="state" method="post" action="/account/fever/remove"><input type="hidden" name="_csrf" value="${session.csrfToken}"><button type="submit">Remove</button> <span class="muted">Apps using it stop syncing at once.</span></form>`
  : html`<p>No Fever password is set.</p>`}
<form class="auth" method="post" action="/account/fever">
<input type="hidden" name="_csrf" value="${session.csrfToken}">
<input type="text" name="name" aria-label="Name" autocomplete="username" value="${session.user.name}" hidden>
<p><label for="fcurrent">Your sign-in password</label><br><input id="fcurrent" name="current" type="password" autocomplete="current-password" required></p>
<p><label for="fnew">${fever.setAt ? 'New Fever password' : 'Fever password'} (at least 10 characters, not your sign-in password)</label><br><input id="fnew" name="password" type="password" autocomplete="new-password" minlength="10" required></p>
<p><label for="fconfirm">Fever password again</label><br><input id="fconfirm" name="confirm" type="password" autocomplete="new-password" minlength="10" required></p>
<p><button type="submit">${fever.setAt ? 'Replace Fever password' : 'Set Fever password'}</button></p>
</form>`;
}

/** Sign-in, first-run set-up, and the closed door for strangers while no account exists. */
export function authPage(p: { kind: 'login' | 'setup' | 'closed'; csrf?: string; next?: string; error?: string; name?: string }): string {
  if (p.kind === 'closed') {
    return layout('Not set up', html`<h1>Tidings is not set up yet</h1><p>Create the first account on the server with <code>tidings users add NAME</code>, or open Tidings from the machine it runs on.</p>`);
  }
  const setup = p.kind === 'setup';
  const body = html`<h1>${setup ? 'Create the administrator' : 'Sign in'}</h1>
${setup ? html`<p class="muted">No account exists yet. The first account manages this Tidings.</p>` : ''}
${p.error ? html`<p class="form-error" role="alert">${p.error}</p>` : ''}
<form class="auth" method="post" action="${setup ? '/setup' : '/login'}">
<input type="hidden" name="_csrf" value="${p.csrf ?? ''}">
${setup ? '' : html`<input type="hidden" name="next" value="${p.next ?? '/'}">`}
<p><label for="name">Name</label><br><input id="name" name="name" autocomplete="username" required value="${p.name ?? ''}"></p>
<p><label for="password">Password${setup ? ' (at least 10 characters)' : ''}</label><br><input id="password" name="password" type="password" autocomplete="${setup ? 'new-password' : 'current-password'}" required></p>
<p><button type="submit">${setup ? 'Create and sign in' : 'Sign in'}</button></p>
</form>`;
  return layout(setup ? 'Set up' : 'Sign in', body);
}

export function errorPage(status: number, message: string): string {
  return layout(`${status}`, html`<h1>${status}</h1><p>${message}</p>`);
}

/**
 * New articles per day as a bar chart: a feed that went quiet, or one that floods, shows at a
 * glance where "0.4 a day" does not. Inline SVG in the text colour, so both themes draw it.
 */
export function activityChart(days: number[], now: Date): SafeHtml {
  const total = days.reduce((a, b) => a + b, 0);
  const most = Math.max(...days, 0);
  const bar = 4;
  const height = 20;
  const busiest = days.lastIndexOf(most);
  const busiestDay = new Date(Date.parse(now.toISOString().slice(0, 10)) - (days.length - 1 - busiest) * 86400_000).toISOString().slice(0, 10);
  const label = total === 0 ? `No new articles in the last ${days.length} days` : `${total} new article${total === 1 ? '' : 's'} in the last ${days.length} days; most (${most}) on ${busiestDay}`;
  const bars = days
    .map((n, i) => {
      if (n === 0) return '';
      const h = Math.max(1, Math.round((n / most) * height));
      return `<rect x="${i * bar}" y="${height - h}" width="${bar - 1}" height="${h}"/>`;
    })
    .join('');
  return html`<br><svg class="activity" role="img" aria-label="${label}" width="${days.length * bar}" height="${height + 1}" viewBox="0 0 ${days.length * bar} ${height + 1}"><title>${label}</title><g fill="currentColor">${raw(bars)}</g><rect x="0" y="${height}" width="${days.length * bar}" height="1" fill="currentColor" opacity="0.4"/></svg>`;
}

/** The reader's latest OPML import, done by a job: waiting, done (what was skipped and why) or failed. */
function importNote(o: ImportOutcome, now: Date): SafeHtml {
  const when = html`<time datetime="${o.at}">${relativeAge(o.at, now)}</time>`;
  if (o.state === 'queued') return html`<p role="status" class="opml-import">OPML import queued ${when}; reload this page to see how it went.</p>`;
  if (o.state === 'failed') return html`<p role="alert" class="opml-import form-error">OPML import failed ${when}: ${o.error ?? ''} (it is tried again).</p>`;
  return html`<div role="status" class="opml-import"><p>OPML import finished ${when}: ${o.summary ?? ''}.</p>
${o.skipped.length ? html`<ul>${o.skipped.map((s) => html`<li>${s.url}: ${s.code}: ${truncate(s.message, 160)}</li>`)}</ul>` : ''}</div>`;
}

/** A job about the feed that failed on our side (the feed's own fetch errors are above it). */
function jobFailureNote(f: JobFailure, now: Date): SafeHtml {
  return html`<br><span class="job-failure">Job ${f.kind}, attempt ${f.attempt}, <time datetime="${f.at}">${relativeAge(f.at, now)}</time>: ${f.code}: ${truncate(f.message, 160)} (${f.final ? 'gave up' : 'will retry'})</span>`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Article images load lazily and send no referrer; links leave Tidings without an opener. */
function withImageHints(articleHtml: string): string {
  return articleHtml
    .replace(/<img\b/g, '<img loading="lazy" decoding="async" referrerpolicy="no-referrer"')
    .replace(/<a\b/g, '<a rel="noopener noreferrer nofollow"');
}
