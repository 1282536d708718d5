import { subscriptionTitle, type ArticleListItem, type FeedWithSource } from '../../../model/article.js';
import type { StoryCoverage } from '../../../store/store.js';
import { feedLinks, type WebView } from '../feedsOut.js';
import { renderPage, type Chrome, type ImageUrls } from '../components/layout.js';
import { Csrf, RelTime, StateForm, truncate } from '../components/parts.js';
import { listQuery, type ListContext } from '../components/sidebar.js';

export interface RiverOptions {
  now: Date;
  timeZone: string;
  nextCursor: string | null;
  feed: (FeedWithSource & { customTitle?: string | null }) | null;
  show?: 'all' | 'unread' | 'starred';
  folder?: string | null;
  feedSecret?: string | null;
  chrome?: Chrome;
  /** Per article: its story, counted over what the reader sees (only those with others). */
  stories?: ReadonlyMap<number, StoryCoverage>;
}

/** The river: newest articles first, of everything, a feed or a folder. */
export function riverPage(items: ArticleListItem[], opts: RiverOptions): string {
  const chrome = opts.chrome ?? {};
  const session = chrome.session ?? null;
  const show = opts.show ?? 'all';
  const heading = opts.feed ? subscriptionTitle(opts.feed) : opts.folder ? `Folder: ${opts.folder}` : 'All articles';
  const context: ListContext = { feed: opts.feed?.id, folder: opts.feed ? undefined : opts.folder ?? undefined, show };
  const here = `/${listQuery(context)}`;
  const base = listQuery({ ...context, show: 'all' });
  const joiner = base ? `${base}&` : '?';
  const newest = items[0]?.published;
  const articleQuery = listQuery(context);
  const main = (
    <>
      <h1>{heading}</h1>
      {session && (
        <div class="toolbar">
          <nav class="filters" aria-label="Show">
            {(['all', 'unread', 'starred'] as const).map((k) => (
              <a href={`/${joiner}show=${k}`} aria-current={k === show ? 'page' : undefined}>{k[0]!.toUpperCase() + k.slice(1)}</a>
            ))}
            {newest && (
              <form class="state" method="post" action="/read-all">
                <Csrf token={session.csrfToken} />
                <input type="hidden" name="upTo" value={newest} />
                <input type="hidden" name="next" value={here} />
                {opts.feed && <input type="hidden" name="feed" value={String(opts.feed.id)} />}
                {opts.folder && !opts.feed && <input type="hidden" name="folder" value={opts.folder} />}
                <button type="submit">Mark all read</button>
              </form>
            )}
          </nav>
        </div>
      )}
      {items.length === 0 && <p class="muted">{emptyNote(show)}</p>}
      <ol class="river">
        {items.map((a) => (
          <li class={a.read ? 'read' : 'unread'} data-id={String(a.id)}>
            <div class="meta">
              {a.source}{a.section ? ` (${a.section})` : ''} · <RelTime iso={a.updated} now={opts.now} timeZone={opts.timeZone} />
              {a.updated !== a.published && <> · <span class="updated">updated</span></>}
            </div>
            <h2><a href={`/articles/${a.id}${articleQuery}`}>{a.title}</a></h2>
            {a.excerpt && <p class="excerpt">{truncate(a.excerpt, 220)}</p>}
            <StoryCount story={opts.stories?.get(a.id)} />
            {session && <StateForm id={a.id} csrf={session.csrfToken} next={here} read={!!a.read} starred={!!a.starred} />}
            <Thumbnail url={a.leadImage ?? null} images={chrome.images ?? null} />
          </li>
        ))}
      </ol>
      {opts.nextCursor && (
        <nav class="pager" aria-label="Pages">
          <a rel="next" href={`${joiner}${show !== 'all' ? `show=${show}&` : ''}before=${opts.nextCursor}`}>Older articles →</a>
        </nav>
      )}
    </>
  );
  const view: WebView = opts.feed ? { kind: 'feed', name: String(opts.feed.id) } : opts.folder ? { kind: 'folder', name: opts.folder } : show === 'starred' ? { kind: 'starred' } : { kind: 'river' };
  const alternates = opts.feedSecret ? feedLinks(opts.feedSecret, view, view.kind === 'starred' ? 'Starred' : heading) : [];
  return renderPage(heading, { ...chrome, alternates }, main);
}

/** "4 sources": the story this article is in, when the reader can see others in it. */
function StoryCount({ story }: { story: StoryCoverage | undefined }) {
  if (!story || story.articles < 2) return null;
  const label = story.sources > 1 ? `${story.sources} sources` : `${story.articles} articles`;
  return <p class="story-count"><a href={`/stories/${story.storyId}`}>{label}</a></p>;
}

function emptyNote(show: 'all' | 'unread' | 'starred') {
  if (show === 'unread') return 'Nothing unread.';
  if (show === 'starred') return 'No starred articles.';
  return <>No articles yet. New articles arrive as feeds are checked; see <a href="/feeds">Feeds</a> for their status.</>;
}

/**
 * The lead image, small, lazy, sized so the list does not jump. Only through the image
 * proxy: fifty direct requests to publishers per river page leak the reader's reading
 * list and, in the browser tests, competed with the pipeline's own page fetches.
 */
function Thumbnail({ url, images }: { url: string | null; images: ImageUrls }) {
  if (!url || !/^https?:\/\//i.test(url) || !images) return null;
  return <img class="thumb" src={images ? images(url) : url} alt="" width={96} height={64} loading="lazy" decoding="async" referrerpolicy="no-referrer" />;
}
