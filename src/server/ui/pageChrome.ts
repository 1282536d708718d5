import type { FastifyRequest } from 'fastify';
import type { Store } from '../../store/store.js';
import { proxyKey, signImageUrl } from '../imageProxy.js';
import type { Chrome } from './components/layout.js';
import type { ListContext } from './components/sidebar.js';
import type { Flash } from './flash.js';
import { errorWords } from './errorWords.js';

/**
 * What a page shows around its content for this request: the session, the sidebar of the
 * reader's feeds (when asked for) and image URLs through the proxy when it is on.
 */
export function pageChrome(store: Store, imageProxy: boolean) {
  return async (req: FastifyRequest, sidebar: ListContext | null = null): Promise<Chrome> => {
    const session = req.session ?? null;
    const [feeds, key] = await Promise.all([
      session && sidebar ? store.sidebarFeeds(session.user.id) : null,
      imageProxy ? proxyKey(store) : null,
    ]);
    return {
      session,
      sidebar: feeds && sidebar ? { feeds, current: sidebar } : null,
      images: key ? (url: string) => signImageUrl(key, url) : null,
    };
  };
}

/**
 * An error that came back in the query string (`error[code]: …`) as words: only the code is
 * read, so a crafted link cannot put its own sentence on the page.
 */
export function errorFromQuery(raw: string | undefined): Flash | null {
  const code = /^error\[([a-z_]{1,40})\]/.exec(raw ?? '')?.[1];
  if (!code) return null;
  const words = errorWords(code);
  return { kind: 'error', message: `That did not work: ${words}.`, code };
}
