import type { ComponentChildren } from 'preact';
import type { FeedsOutState } from '../feedsOut.js';
import { Csrf } from './parts.js';

/** The Account page's feeds of the reader's own articles: their addresses, and making or ending them. */
export function FeedsOutSection({ s, csrf }: { s: FeedsOutState; csrf: string }) {
  const form = (action: string, label: string, extra: ComponentChildren = null) => (
    <form class="state" method="post" action={action}><Csrf token={csrf} />{extra}<button type="submit">{label}</button></form>
  );
  return (
    <>
      <h2 id="feeds">Feeds of your articles</h2>
      <p class="muted">RSS, Atom and JSON Feed of your river, a folder, a feed, your starred articles or a search, with the full text, for any feed reader. Their addresses hold a secret: anyone who has one reads those feeds.</p>
      {s.error && <p class="form-error" role="alert">{s.error}</p>}
      {s.made && <p role="status">New feed addresses made; the old ones no longer work. Pages in this browser now link the feed of what they show (river, folder, feed, starred, search).</p>}
      {s.links && <ul class="feeds-out">{s.links.map((l) => <li><a href={l.href} type={l.type}>{l.title}</a></li>)}</ul>}
      {s.createdAt && !s.links && (
        <>
          <p>Your feeds secret was made on {s.createdAt.replace('T', ' ').replace('Z', '')} UTC. Only its hash is kept, so its addresses show in the browser that made it. To show them here, paste one of its feed addresses:</p>
          {form('/account/feeds/show', 'Show here', <><label for="fsecret">Feed address</label> <input id="fsecret" name="secret" autocomplete="off" /> </>)}
        </>
      )}
      {form('/account/feeds', s.createdAt ? 'Make new addresses (the old ones stop working)' : 'Make feed addresses')}
      {s.createdAt && form('/account/feeds', 'Turn feeds off', <input type="hidden" name="action" value="off" />)}
    </>
  );
}
