import { formatLocalTime, relativeAge, relativeDay } from '../../../render/time.js';
import type { ImageUrls } from './layout.js';

/** The form field every state-changing POST carries. */
export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/** "3 hours ago", with the exact local time on hover. */
export function RelTime({ iso, now, timeZone }: { iso: string; now: Date; timeZone: string }) {
  return <time datetime={iso} title={formatLocalTime(iso, timeZone)}>{relativeAge(iso, now)}</time>;
}

/** "14:05", "yesterday", "Tuesday", "3 Nov": the reader's day, with the exact local time on hover. */
export function RelDay({ iso, now, timeZone }: { iso: string; now: Date; timeZone: string }) {
  return <time datetime={iso} title={formatLocalTime(iso, timeZone)}>{relativeDay(iso, now, timeZone)}</time>;
}

/**
 * The site's favicon through the image proxy; with the proxy off, a letter badge only, so
 * the page never asks a third party for anything. The letter stays under the image, so a
 * site without a favicon still shows something.
 */
export function FeedIcon({ name, siteUrl, images }: { name: string; siteUrl: string | null; images: ImageUrls }) {
  const icon = images && siteUrl && /^https?:\/\//i.test(siteUrl) ? images(new URL('/favicon.ico', siteUrl).href) : null;
  return (
    <span class="favicon" aria-hidden="true">
      {(name.trim()[0] ?? '?').toUpperCase()}
      {icon && <img src={icon} alt="" width={16} height={16} loading="lazy" decoding="async" />}
    </span>
  );
}

/** Read and star buttons for one article: plain forms, so they work without the script. */
export function StateForm(p: { id: number; csrf: string; next: string; read: boolean; starred: boolean; class?: string }) {
  return (
    <form class={p.class ?? 'state'} method="post" action={`/articles/${p.id}/state`}>
      <Csrf token={p.csrf} />
      <input type="hidden" name="next" value={p.next} />
      <button type="submit" name="read" value={p.read ? '0' : '1'}>{p.read ? 'Mark unread' : 'Mark read'}</button>
      <button type="submit" name="starred" value={p.starred ? '0' : '1'} aria-pressed={p.starred ? 'true' : 'false'}>{p.starred ? '★ Starred' : '☆ Star'}</button>
    </form>
  );
}

export function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
