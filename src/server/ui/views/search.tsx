import type { FeedWithSource, SearchHit } from '../../../model/article.js';
import { markHit } from '../../../render/searchHighlight.js';
import { feedLinks } from '../feedsOut.js';
import { renderPage, type Chrome } from '../components/layout.js';
import { RelTime } from '../components/parts.js';

export interface SearchFilters {
  feed?: number | undefined;
  source?: number | undefined;
  from: string;
  to: string;
  show: 'all' | 'unread' | 'starred';
  folder?: string | undefined;
}

export interface SearchOptions {
  now: Date;
  timeZone: string;
  feeds?: Array<FeedWithSource & { folder: string | null }>;
  filters?: SearchFilters;
  feedSecret?: string | null;
  chrome?: Chrome;
}

export function searchPage(query: string, hits: SearchHit[], opts: SearchOptions): string {
  const chrome = opts.chrome ?? {};
  const f = opts.filters ?? { from: '', to: '', show: 'all' };
  const feeds = opts.feeds ?? [];
  const folders = [...new Set(feeds.map((x) => x.folder).filter((x): x is string => !!x))].sort();
  const sources = [...new Map(feeds.map((x) => [x.sourceId, x.sourceName] as const)).entries()].sort((a, b) => a[1].localeCompare(b[1]));
  const main = (
    <>
      <h1>Search</h1>
      {chrome.session && (
        <form class="filters" method="get" action="/search">
          <p><label for="sq">Words</label> <input id="sq" name="q" type="search" value={query} /></p>
          <p>
            <label for="sfeed">Feed</label>
            <select id="sfeed" name="feed">
              <option value="">All my feeds</option>
              {feeds.map((x) => <option value={String(x.id)} selected={f.feed === x.id}>{x.sourceName}{x.section ? ` (${x.section})` : ''}</option>)}
            </select>
            {sources.length > 1 && (
              <>
                <label for="ssource">Source</label>
                <select id="ssource" name="source">
                  <option value="">Any</option>
                  {sources.map(([id, name]) => <option value={String(id)} selected={f.source === id}>{name}</option>)}
                </select>
              </>
            )}
            {folders.length > 0 && (
              <>
                <label for="sfolder">Folder</label>
                <select id="sfolder" name="folder">
                  <option value="">Any</option>
                  {folders.map((x) => <option selected={f.folder === x}>{x}</option>)}
                </select>
              </>
            )}
          </p>
          <p>
            <label for="sfrom">From</label> <input id="sfrom" name="from" type="date" value={f.from} />
            <label for="sto">to</label> <input id="sto" name="to" type="date" value={f.to} />
            <label for="sshow">Show</label>
            <select id="sshow" name="show">{(['all', 'unread', 'starred'] as const).map((k) => <option value={k} selected={f.show === k}>{k}</option>)}</select>
            <button type="submit">Search</button>
          </p>
        </form>
      )}
      <p class="muted">
        {query
          ? `${hits.length === 0 ? 'No articles match' : `${hits.length}${hits.length === 50 ? '+' : ''} article(s) match`} “${query}”.`
          : 'Every word must match; "quoted words" match as a phrase; word* matches as a prefix.'}
      </p>
      <ol class="river">
        {hits.map((h) => {
          const m = markHit(h);
          return (
            <li>
              <div class="meta">{h.source}{h.section ? ` (${h.section})` : ''} · <RelTime iso={h.updated} now={opts.now} timeZone={opts.timeZone} /></div>
              <h2><a href={`/articles/${h.id}`}><Marked text={m.titleMarked} /></a></h2>
              <p class="excerpt"><Marked text={m.snippetMarked} /></p>
            </li>
          );
        })}
      </ol>
    </>
  );
  const alternates = opts.feedSecret && query ? feedLinks(opts.feedSecret, { kind: 'search', query: searchFeedQuery(query, f) }, `Search: ${query}`) : [];
  return renderPage(query ? `Search: ${query}` : 'Search', { ...chrome, searchValue: query, alternates }, main);
}

/** Text with the matches between \u0002 and \u0003 (render/searchHighlight.ts) as <mark>. */
function Marked({ text }: { text: string }) {
  return <>{text.split('\u0002').map((part, i) => {
    if (i === 0) return part;
    const end = part.indexOf('\u0003');
    return end < 0 ? part : <><mark>{part.slice(0, end)}</mark>{part.slice(end + 1)}</>;
  })}</>;
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
