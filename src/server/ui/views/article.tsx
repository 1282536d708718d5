import { renderToString } from 'preact-render-to-string';
import { updatedAtOf, type ArticleNeighbour, type ArticleWithSource, type Revision } from '../../../model/article.js';
import { changedWords, renderDiffHtml, wordDiff } from '../../../render/wordDiff.js';
import { formatLocalTime, relativeAge } from '../../../render/time.js';
import { collapseWhitespace } from '../../../text/whitespace.js';
import type { FigureReport } from '../../../stories/storyReport.js';
import { renderPage, type Chrome } from '../components/layout.js';
import { Csrf, StateForm } from '../components/parts.js';
import { listQuery, type ListContext } from '../components/sidebar.js';

export interface ArticleOptions {
  now: Date;
  timeZone: string;
  /** The article's text, diff panel and link out, from articleBody (the same for every reader). */
  body: string;
  chrome?: Chrome;
  /** The reader's marks on it (none without a session). */
  state?: { read: boolean; starred: boolean } | null;
  /** The list the reader opened it from (its neighbours are found when asked: articleNeighbourRoutes.ts). */
  context?: ListContext;
  /** The story it is in, counted over what the reader sees. */
  story?: ArticleStory | null;
}

export interface ArticleStory {
  id: number;
  articles: number;
  sources: number;
  figures: FigureReport[];
  /** Names in this article, canonical within it ("Kim" → "Kim Jong Un"), most mentioned first. */
  entities?: Array<{ name: string; type: string }>;
}

/** One article in the reading format, with its actions and the list it came from beside it. */
export function articlePage(a: ArticleWithSource, opts: ArticleOptions): string {
  const chrome = opts.chrome ?? {};
  const session = chrome.session ?? null;
  const context = opts.context ?? { show: 'all' };
  const query = listQuery(context);
  const title = collapseWhitespace(a.title);
  const updatedAt = updatedAtOf(a);
  const wasUpdated = Date.parse(updatedAt) > Date.parse(a.publishedAt);
  const main = (
    <article class="reading">
      {session && opts.state && (
        <div class="actions" aria-label="Article actions" role="group">
          <StateForm id={a.id} csrf={session.csrfToken} next={`/articles/${a.id}${query}${query ? '&' : '?'}seen=0`} read={opts.state.read} starred={opts.state.starred} class="state" />
          <form method="post" action={`/articles/${a.id}/recheck`}>
            <Csrf token={session.csrfToken} />
            <button type="submit">Check for updates</button>
          </form>
          <span class="nav">
            <a class="button" rel="prev" href={`/articles/${a.id}/prev${query}`}>← Previous</a>
            <a class="button" rel="next" href={`/articles/${a.id}/next${query}`}>Next →</a>
          </span>
        </div>
      )}
      <h1>{title}</h1>
      <p class="byline">
        By {a.sourceName}{a.section ? ` (${a.section})` : ''} | Created at <time datetime={a.publishedAt}>{formatLocalTime(a.publishedAt, opts.timeZone)}</time> | {wasUpdated ? <span class="updated">Updated at</span> : 'Updated at'}{' '}
        <time datetime={updatedAt}>{formatLocalTime(updatedAt, opts.timeZone)}</time> {relativeAge(updatedAt, opts.now)}
      </p>
      {opts.story && <StoryLink story={opts.story} />}
      <div class="article-text" dangerouslySetInnerHTML={{ __html: opts.body }} />
    </article>
  );
  // The pane's rows are fetched by app.js where the pane is shown (wide screens): an opening
  // on a phone, or without script, walks no list; without script the pane links back to it.
  const list = session ? (
    <nav class="list-pane" aria-label="Articles in this list" data-rows={`/articles/${a.id}/list${query}`}>
      <BackToList query={query} />
    </nav>
  ) : null;
  return renderPage(title, chrome, main, list);
}

/**
 * The part of the page that depends on the article and its revisions only, not on the
 * reader or the time: what changed, the text, the link out. Rendered once per revision
 * (server/ui/articleBodies.ts); `html` is the article's HTML as shown (images proxied).
 */
export function articleBody(a: { html: string; canonicalUrl: string }, revisions: Revision[], timeZone: string): string {
  return renderToString(
    <>
      <Changes revisions={revisions} timeZone={timeZone} />
      <div class="body" dangerouslySetInnerHTML={{ __html: withImageHints(a.html) }} />
      <p class="original"><a href={a.canonicalUrl} rel="noopener noreferrer">Read Entire Article</a></p>
    </>,
  );
}

function StoryLink({ story }: { story: ArticleStory }) {
  const coverage = story.articles > 1 ? `${story.sources} ${story.sources === 1 ? 'source' : 'sources'}, ${story.articles} articles` : 'only this article so far';
  return (
    <aside class="story-link" aria-label="Story">
      <p><a href={`/stories/${story.id}`}>The whole story</a> <span class="muted">({coverage})</span></p>
      {story.figures.length > 0 && (
        <>
          <h2>Figures in this article</h2>
          <ul class="figures-list">
            {story.figures.map((f) => <li>{f.text}{f.attribution ? ` — ${f.attribution}` : ''}</li>)}
          </ul>
        </>
      )}
      {!!story.entities?.length && (
        <p class="entity-links">
          Named here:{' '}
          {story.entities.map((e, i) => <>{i > 0 && ', '}<EntityLink name={e.name} /></>)}
        </p>
      )}
    </aside>
  );
}

/** A name leading to the river of every article that names it. */
export function EntityLink({ name }: { name: string }) {
  return <a href={`/?entity=${encodeURIComponent(name)}`} title={`Articles naming ${name}`}>{name}</a>;
}

function BackToList({ query }: { query: string }) {
  return <h2><a href={`/${query}`}>Back to the list</a></h2>;
}

/**
 * The list pane's content: the articles around the open one in the list it came from,
 * nearest first each way, the open one marked. Asked by app.js (GET /articles/ID/list).
 */
export function listPaneRows(current: { id: number; title: string; source: string }, newer: ArticleNeighbour[], older: ArticleNeighbour[], query: string): string {
  const row = (x: { id: number; title: string; source: string; read?: boolean }, here = false) => (
    <li class={x.read ? 'read' : 'unread'}>
      <a href={`/articles/${x.id}${query}`} aria-current={here ? 'page' : undefined}>
        <span class="t">{x.title}</span>
        <span class="s">{x.source}</span>
      </a>
    </li>
  );
  return renderToString(
    <>
      <BackToList query={query} />
      <ol>
        {[...newer].reverse().map((x) => row(x))}
        {row({ ...current, title: collapseWhitespace(current.title), read: true }, true)}
        {older.map((x) => row(x))}
      </ol>
    </>,
  );
}

function Changes({ revisions, timeZone }: { revisions: Revision[]; timeZone: string }) {
  const last = revisions[revisions.length - 1];
  const prev = revisions[revisions.length - 2];
  if (!last || !prev) return null;
  const changes = wordDiff(prev.text, last.text);
  const counts = changedWords(changes);
  return (
    <details class="changes">
      <summary>What changed on {formatLocalTime(last.seenAt, timeZone)}: {counts.removed} word(s) removed, {counts.added} added (revision {revisions.length} of {revisions.length})</summary>
      {prev.title !== last.title && <p class="title-change" dangerouslySetInnerHTML={{ __html: renderDiffHtml(wordDiff(prev.title, last.title)) }} />}
      <div class="diff" dangerouslySetInnerHTML={{ __html: renderDiffHtml(changes) }} />
    </details>
  );
}

/** Article images load lazily and send no referrer; links leave Tidings without an opener. */
function withImageHints(articleHtml: string): string {
  return articleHtml
    .replace(/<img\b/g, '<img loading="lazy" decoding="async" referrerpolicy="no-referrer"')
    .replace(/<a\b/g, '<a rel="noopener noreferrer nofollow"');
}
