import { renderPage, type Chrome } from '../components/layout.js';
import { Csrf, FeedIcon } from '../components/parts.js';
import { SubscribeForm } from './feeds.js';

/** A feed this Tidings already fetches, offered to a reader who follows nothing yet. */
export interface OfferedFeed {
  id: number;
  title: string;
  siteUrl: string | null;
}

export interface OnboardingData {
  /** Feeds other readers of this instance follow. */
  instanceFeeds: OfferedFeed[];
  /** Whether the starter list of world-news feeds can be added. */
  starter: boolean;
  chrome: Chrome & { session: NonNullable<Chrome['session']> };
}

/** The first page of a reader without feeds: what this instance has, the starter list, or a URL. */
export function onboardingPage(d: OnboardingData): string {
  const csrf = d.chrome.session.csrfToken;
  const images = d.chrome.images ?? null;
  const main = (
    <>
      <h1>Welcome, {d.chrome.session.user.name}</h1>
      <p>You do not follow any feeds yet. Pick some to fill your river; you can change them any time on the <a href="/feeds">Feeds</a> page.</p>
      {d.instanceFeeds.length > 0 && (
        <section class="panel" aria-labelledby="instance-feeds">
          <h2 id="instance-feeds">Feeds on this Tidings</h2>
          <ul class="offer">
            {d.instanceFeeds.map((f) => (
              <li>
                <FeedIcon name={f.title} siteUrl={f.siteUrl} images={images} />
                <span>{f.title}</span>
                <form method="post" action={`/feeds/${f.id}/follow`}>
                  <Csrf token={csrf} />
                  <button type="submit" aria-label={`Follow ${f.title}`}>Follow</button>
                </form>
              </li>
            ))}
          </ul>
        </section>
      )}
      {d.starter && (
        <section class="panel" aria-labelledby="starter">
          <h2 id="starter">The starter list</h2>
          <p class="muted">World news from public broadcasters and newspapers, checked in the background.</p>
          <form method="post" action="/feeds/starter">
            <Csrf token={csrf} />
            <button type="submit" class="primary">Follow the starter list</button>
          </form>
        </section>
      )}
      <section aria-labelledby="paste">
        <h2 id="paste">Paste a URL</h2>
        <p class="muted">A feed's address, or a site's: Tidings finds its feed.</p>
        <SubscribeForm csrf={csrf} typed={null} />
      </section>
    </>
  );
  return renderPage('Welcome', d.chrome, main);
}
