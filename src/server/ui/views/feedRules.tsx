import { renderPage, type Chrome } from '../components/layout.js';
import { Csrf } from '../components/parts.js';

export interface FeedRulesPageData {
  feedId: number;
  name: string;
  keep: readonly string[];
  remove: readonly string[];
  /** Whether this reader may set them (an administrator, or the feed's only reader). */
  editable: boolean;
  chrome: Chrome;
}

/** A feed's own extraction rules: CSS selectors of the article and of the furniture around it. */
export function feedRulesPage(d: FeedRulesPageData): string {
  const csrf = d.chrome.session?.csrfToken ?? '';
  // After a refused save the form shows what was typed, not the rules stored.
  const typed = d.chrome.flash?.kind === 'error' ? d.chrome.flash.typed : undefined;
  const keep = typed?.keep ?? d.keep.join('\n');
  const remove = typed?.remove ?? d.remove.join('\n');
  return renderPage(`Extraction rules: ${d.name}`, d.chrome, (
    <>
      <h1>Extraction rules: {d.name}</h1>
      <p class="muted">
        When the article of a page from this feed comes out wrong, name its parts with CSS selectors, one a line.
        What matches <em>keep</em> becomes the article; what matches <em>remove</em> is taken out first. They apply
        from the next page read (a refresh or “Check for updates”), for every reader of this feed.
      </p>
      {d.editable ? (
        <form class="panel" method="post" action={`/feeds/${d.feedId}/rules`}>
          <Csrf token={csrf} />
          <p class="field"><label for="keep">Keep (the article)</label><textarea id="keep" name="keep" rows={3} placeholder="article .story-body">{keep}</textarea></p>
          <p class="field"><label for="remove">Remove (furniture)</label><textarea id="remove" name="remove" rows={4} placeholder=".newsletter-signup">{remove}</textarea></p>
          <p><button type="submit" class="primary">Save rules</button></p>
        </form>
      ) : (
        <>
          <p>Other readers follow this feed and its rules shape the articles they get: only an administrator may set them.</p>
          <h2>Keep</h2>
          {d.keep.length ? <ul>{d.keep.map((s) => <li><code>{s}</code></li>)}</ul> : <p class="muted">none</p>}
          <h2>Remove</h2>
          {d.remove.length ? <ul>{d.remove.map((s) => <li><code>{s}</code></li>)}</ul> : <p class="muted">none</p>}
        </>
      )}
      <p><a href="/feeds">Back to Feeds</a></p>
    </>
  ));
}
