import type { SidebarFeed } from '../../../model/article.js';
import type { ImageUrls } from './layout.js';
import { FeedIcon } from './parts.js';

/** The list a page shows or came from: a feed, a folder or everything, all or unread or starred. */
export interface ListContext {
  feed?: number | undefined;
  folder?: string | undefined;
  show: 'all' | 'unread' | 'starred';
  /** Only articles naming this entity (the river's entity filter). */
  entity?: string | undefined;
}

/** `?feed=1&show=unread`: the query of a list, empty for the whole river. */
export function listQuery(c: ListContext): string {
  const q: string[] = [];
  if (c.feed !== undefined) q.push(`feed=${c.feed}`);
  else if (c.folder !== undefined) q.push(`folder=${encodeURIComponent(c.folder)}`);
  if (c.entity !== undefined) q.push(`entity=${encodeURIComponent(c.entity)}`);
  if (c.show !== 'all') q.push(`show=${c.show}`);
  return q.length ? `?${q.join('&')}` : '';
}

/** Folders with their feeds, then the feeds in no folder, each with what is unread. */
export function Sidebar({ feeds, current, images }: { feeds: SidebarFeed[]; current: ListContext; images: ImageUrls }) {
  const folders = new Map<string, SidebarFeed[]>();
  const loose: SidebarFeed[] = [];
  for (const f of feeds) {
    if (f.folder === null) loose.push(f);
    else folders.set(f.folder, [...(folders.get(f.folder) ?? []), f]);
  }
  const total = feeds.reduce((n, f) => n + f.unread, 0);
  const here = (feed?: number, folder?: string) => current.feed === feed && (feed !== undefined || current.folder === folder);
  const feedItem = (f: SidebarFeed) => (
    <li>
      <a href={`/?feed=${f.id}`} aria-current={here(f.id) ? 'page' : undefined}>
        <FeedIcon name={f.name} siteUrl={f.siteUrl} images={images} />
        <span class="name">{f.name}</span>
        {f.unread > 0 && <Count n={f.unread} />}
      </a>
    </li>
  );
  return (
    <nav class="sidebar" aria-label="Folders and feeds">
      <h2>Views</h2>
      <ul>
        <li><a href="/" aria-current={here() && current.show === 'all' ? 'page' : undefined}><span class="name">All articles</span>{total > 0 && <Count n={total} />}</a></li>
        <li><a href="/?show=unread" aria-current={here() && current.show === 'unread' ? 'page' : undefined}><span class="name">Unread</span></a></li>
        <li><a href="/?show=starred" aria-current={here() && current.show === 'starred' ? 'page' : undefined}><span class="name">Starred</span></a></li>
      </ul>
      {feeds.length > 0 && <h2>Feeds</h2>}
      <ul>
        {[...folders].map(([name, inside]) => (
          <li>
            <a href={`/?folder=${encodeURIComponent(name)}`} aria-current={here(undefined, name) ? 'page' : undefined}>
              <span class="name">{name}</span>
              <Count n={inside.reduce((n, f) => n + f.unread, 0)} />
            </a>
            <ul>{inside.map(feedItem)}</ul>
          </li>
        ))}
        {loose.map(feedItem)}
      </ul>
    </nav>
  );
}

function Count({ n }: { n: number }) {
  return <span class="count" aria-label={`${n} unread`}>{n > 999 ? '999+' : n}</span>;
}
