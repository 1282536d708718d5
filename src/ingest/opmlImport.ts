import { parseOpml } from '../feed/opml.js';
import type { Pipeline } from './pipeline.js';
import { subscribe } from './subscribe.js';

/** Subscribes to each outline of an OPML document, a few at a time; failures never stop the rest. */
export async function importOpml(
  p: Pipeline,
  text: string,
  hooks: { onTotal?: (n: number) => void; onFeed?: (note: string) => void } = {},
): Promise<{ added: number; existing: number; failed: number; feeds: Array<{ id: number; folder: string | null }> }> {
  const outlines = parseOpml(text);
  hooks.onTotal?.(outlines.length);
  const result = { added: 0, existing: 0, failed: 0, feeds: [] as Array<{ id: number; folder: string | null }> };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(4, outlines.length) }, async () => {
      while (next < outlines.length) {
        const o = outlines[next++]!;
        try {
          const r = await subscribe(p, o.url, { fallbackTitle: o.title, allowUnreachable: true });
          if (r.pendingError) {
            result.failed++;
            hooks.onFeed?.(`${o.url}: error[${r.pendingError.code}] ${r.pendingError.message}`);
          } else {
            hooks.onFeed?.(`${r.created ? 'added' : 'known'} ${o.url}`);
          }
          if (r.created) result.added++;
          else result.existing++;
          result.feeds.push({ id: r.feed.id, folder: o.category });
        } catch (err) {
          result.failed++;
          hooks.onFeed?.(`${o.url}: ${(err as Error).message}`);
        }
      }
    }),
  );
  return result;
}
