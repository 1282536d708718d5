import type { FastifyRequest } from 'fastify';
import type { Store } from '../../store/store.js';
import { proxyKey, signImageUrl } from '../imageProxy.js';
import type { Chrome } from './components/layout.js';
import type { ListContext } from './components/sidebar.js';
import { takeFlash } from '../flash.js';

/**
 * What a page shows around its content for this request: the session, the sidebar of the
 * reader's feeds (when asked for) and image URLs through the proxy when it is on.
 */
export function pageChrome(store: Store, imageProxy: boolean) {
  return async (req: FastifyRequest, sidebar: ListContext | null = null): Promise<Chrome> => {
    const session = req.session ?? null;
    const [feeds, key, flash] = await Promise.all([
      session && sidebar ? store.sidebarFeeds(session.user.id) : null,
      imageProxy ? proxyKey(store) : null,
      takeFlash(store, req),
    ]);
    return {
      session,
      flash,
      sidebar: feeds && sidebar ? { feeds, current: sidebar } : null,
      images: key ? (url: string) => signImageUrl(key, url) : null,
    };
  };
}
