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
  /** Each story is one entry (the reader's setting): its counts and other outlets show with it. */
  fold?: boolean;
  /** The entity filter in force, as the reader asked for it. */
  entity?: string;
}

/** The river: newest articles first, of everything, a feed or a folder. */
export function riverPage(items: ArticleListItem[], opts: RiverOptions): string {
  const chrome = opts.chrome ?? {};
  const session = chrome.session ?? null;
  const show = opts.show ?? 'all';
  const heading = opts.feed ? subscriptionTitle(opts.feed) : opts.folder ? `Folder: ${opts.folder}` : 'All articles';
  const context: ListContext = { feed: opts.feed?.id, folder: opts.feed ? undefined : opts.folder ?? undefined, show, entity: opts.entity };
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
                {opts.entity && <input type="hidden" name="entity" value={opts.entity} />}
                <button type="submit">Mark all read</button>
              </form>
            )}
            <FoldToggle fold={!!opts.fold} csrf={session.csrfToken} next={here} />
          </nav>
        </div>
      )}
      {opts.entity && <EntityChip name={opts.entity} without={`/${listQuery({ ...context, entity: undefined })}`} />}
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
            {opts.fold ? <FoldedStory story={opts.stories?.get(a.id)} query={articleQuery} /> : <StoryCount story={opts.stories?.get(a.id)} />}
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

/** How many outlets and articles one story entry stands for: "4 sources · 2 copies". */
export function coverageLabel(story: Pick<StoryCoverage, 'articles' | 'sources' | 'copies'>): string {
  const counted = story.sources > 1 ? `${story.sources} sources` : `${story.articles} articles`;
  return story.copies ? `${counted} · ${story.copies} ${story.copies === 1 ? 'copy' : 'copies'}` : counted;
}

/** Outlets named in an entry before the rest are left to the story page. */
const ALSO_IN_SHOWN = 5;

/** A folded story: its counts linking the story page, and the other outlets with their articles. */
function FoldedStory({ story, query }: { story: StoryCoverage | undefined; query: string }) {
  if (!story || story.articles < 2) return null;
  const shown = story.alsoIn.slice(0, ALSO_IN_SHOWN);
  const more = story.alsoIn.length - shown.length;
  return (
    <p class="story-count">
      <a href={`/stories/${story.storyId}`}>{coverageLabel(story)}</a>
      {shown.length > 0 && (
        <span class="also-in">
          {' · also in: '}
          {shown.map((o, i) => (
            <>{i > 0 && ', '}<a href={`/articles/${o.articleId}${query}`}>{o.source}</a></>
          ))}
          {more > 0 && <>, <a href={`/stories/${story.storyId}`}>{more} more</a></>}
        </span>
      )}
    </p>
  );
}

/** The reader's folding setting, switched from the river itself and kept (POST /account/fold). */
function FoldToggle({ fold, csrf, next }: { fold: boolean; csrf: string; next: string }) {
  return (
    <form class="state" method="post" action="/account/fold">
      <Csrf token={csrf} />
      <input type="hidden" name="next" value={next} />
      <button type="submit" name="fold" value={fold ? '0' : '1'}>{fold ? 'Show every article' : 'Fold stories'}</button>
    </form>
  );
}

/** The entity filter in force, with the one click that removes it. */
function EntityChip({ name, without }: { name: string; without: string }) {
  return (
    <p class="chips">
      Mentioning <a class="chip" href={without} title="Remove this filter" aria-label={`Remove filter: ${name}`}>{name} <span aria-hidden="true">×</span></a>
    </p>
  );
}

function emptyNote(show: 'all' | 'unread' | 'starred') {
  if (show === 'unread') return 'Nothing unread.';
  if (show === 'starred') return 'No starred articles.';
  return <>No articles yet. New articles arrive as feeds are checked; see <a href="/feeds">Feeds</a> for their status.</>;
}

/**
 * The lead image, small, lazy, sized so the list does not jump. Through the image proxy when
 * it is on, so publishers never see the reader's list; otherwise straight from the publisher,
 * as the article page's own images are (the CSP allows them exactly then).
 */
function Thumbnail({ url, images }: { url: string | null; images: ImageUrls }) {
  if (!url || !/^https?:\/\//i.test(url)) return null;
  return <img class="thumb" src={images ? images(url) : url} alt="" width={96} height={64} loading="lazy" decoding="async" referrerpolicy="no-referrer" />;
}
