import type { FeedWithSource } from '../../../model/article.js';
import type { JobFailure } from '../../../jobs/jobQueue.js';
import type { ImportOutcome } from '../../../ingest/opmlImport.js';
import { formatLocalTime, relativeAge } from '../../../render/time.js';
import { renderPage, type Chrome, type ImageUrls } from '../components/layout.js';
import { ActivityChart } from '../components/activityChart.js';
import { Csrf, FeedIcon, RelDay, RelTime, truncate } from '../components/parts.js';
import { errorPhrase } from '../../../model/errorWords.js';

export type FeedsPageFeed = FeedWithSource & { folder?: string | null; customTitle?: string | null; itemsPerDay?: number; activity?: number[]; jobFailure?: JobFailure | null };

export interface FeedsOptions {
  now: Date;
  timeZone: string;
  canSubscribe?: boolean;
  /** What the reader typed in the subscribe form, kept after an error. */
  typed?: { url: string; folder: string } | null;
  note?: string | null;
  opmlImport?: ImportOutcome | null;
  choices?: { url: string; folder: string; feeds: Array<{ url: string; title: string | null; format: string; items: number }> };
  chrome?: Chrome;
}

/** The reader's feeds: how each is doing, in words and a chart, and what can be done with it. */
export function feedsPage(feeds: FeedsPageFeed[], opts: FeedsOptions): string {
  const chrome = opts.chrome ?? {};
  const session = chrome.session ?? null;
  const main = (
    <>
      <h1>Feeds</h1>
      {opts.note && <p role="status">{opts.note}</p>}
      {opts.opmlImport && <ImportNote o={opts.opmlImport} now={opts.now} />}
      {opts.choices && session && <Choices choices={opts.choices} csrf={session.csrfToken} />}
      {session && opts.canSubscribe && <SubscribeForm csrf={session.csrfToken} typed={opts.typed ?? null} />}
      {session && opts.canSubscribe && (
        <details class="panel">
          <summary>Import or export subscriptions (OPML)</summary>
          <p class="muted"><a href="/feeds/export.opml">Export subscriptions (OPML)</a></p>
          <form method="post" action="/feeds/import">
            <Csrf token={session.csrfToken} />
            <p><label for="opml">Paste an OPML file</label><br /><textarea id="opml" name="opml" rows={6} required></textarea></p>
            <p><button type="submit">Import</button></p>
          </form>
        </details>
      )}
      <ul class="feed-list">
        {feeds.map((f) => <FeedRow f={f} opts={opts} csrf={session?.csrfToken ?? null} images={chrome.images ?? null} />)}
      </ul>
    </>
  );
  return renderPage('Feeds', chrome, main);
}

export function SubscribeForm({ csrf, typed }: { csrf: string; typed: { url: string; folder: string } | null }) {
  return (
    <form class="subscribe panel" method="post" action="/feeds">
      <Csrf token={csrf} />
      <p class="field grow"><label for="url">Subscribe to a feed or a site</label><input id="url" name="url" type="url" required placeholder="https://…" value={typed?.url ?? ''} /></p>
      <p class="field"><label for="folder">Folder</label><input id="folder" name="folder" placeholder="optional" value={typed?.folder ?? ''} /></p>
      <p><button type="submit" class="primary">Subscribe</button></p>
    </form>
  );
}

function FeedRow({ f, opts, csrf, images }: { f: FeedsPageFeed; opts: FeedsOptions; csrf: string | null; images: ImageUrls }) {
  const name = f.customTitle ?? `${f.sourceName}${f.section ? ` (${f.section})` : ''}`;
  return (
    <li>
      <div class="feed-title">
        <FeedIcon name={name} siteUrl={f.siteUrl} images={images} />
        <a href={`/?feed=${f.id}`}>{name}</a>
        {f.folder && <span class="muted">in <a href={`/?folder=${encodeURIComponent(f.folder)}`}>{f.folder}</a></span>}
      </div>
      <div class="feed-url">{f.url}</div>
      <div class={`health ${f.health}`}>
        <Health f={f} now={opts.now} timeZone={opts.timeZone} />
        {f.activity && <ActivityChart days={f.activity} now={opts.now} />}
        <span class="muted"> · checked {f.lastFetchedAt ? <RelTime iso={f.lastFetchedAt} now={opts.now} timeZone={opts.timeZone} /> : 'never'}
          {' · next '}{f.nextCheckAt && Date.parse(f.nextCheckAt) > opts.now.getTime() ? <RelTime iso={f.nextCheckAt} now={opts.now} timeZone={opts.timeZone} /> : 'now'}</span>
        {f.jobFailure && <JobFailureNote f={f.jobFailure} now={opts.now} timeZone={opts.timeZone} />}
      </div>
      {csrf && <FeedMenu f={f} name={name} csrf={csrf} />}
    </li>
  );
}

/**
 * "ok · 12 a day", "failing since Tuesday: the site could not be reached"; a run of failures
 * whose start is not known (it began before Tidings kept it) says how long it is instead.
 */
function Health({ f, now, timeZone }: { f: FeedsPageFeed; now: Date; timeZone: string }) {
  if (f.lastErrorCode && (f.health === 'failing' || f.health === 'erroring' || f.lastStatus === 'error')) {
    const tries = f.errorCount > 1 ? `${f.errorCount} times in a row` : '';
    return (
      <span title={tries || undefined}>
        <strong>{f.health === 'failing' ? 'failing' : 'trouble'}</strong>
        {f.failingSince ? <> since <RelDay iso={f.failingSince} now={now} timeZone={timeZone} /></> : ''}
        : {errorPhrase(f.lastErrorCode)}{!f.failingSince && tries ? ` (${tries})` : ''}
        <small class="code" title={truncate(f.lastError ?? '', 300)}>{f.lastErrorCode}</small>
      </span>
    );
  }
  if (f.health === 'new' || !f.lastFetchedAt) return <span><strong>new</strong> · not checked yet</span>;
  return <span title={`last checked ${formatLocalTime(f.lastFetchedAt, timeZone)}`}><strong>ok</strong> · {rate(f.itemsPerDay, f.activity)}</span>;
}

/** Articles a day over the last week, in words that do not say "0 a day". */
function rate(perDay: number | undefined, activity: number[] | undefined): string {
  if (perDay === undefined) return 'working';
  if (perDay >= 1) return `${Math.round(perDay)} a day`;
  const week = Math.round(perDay * 7);
  if (week > 0) return `${week} a week`;
  const month = (activity ?? []).reduce((a, b) => a + b, 0);
  return month > 0 ? `${month} this month` : 'quiet lately';
}

function FeedMenu({ f, name, csrf }: { f: FeedsPageFeed; name: string; csrf: string }) {
  return (
    <details class="menu">
      <summary aria-label={`Actions for ${name}`}>Actions ▾</summary>
      <div>
        <form method="post" action={`/feeds/${f.id}/refresh`}><Csrf token={csrf} /><button type="submit">Refresh now</button></form>
        <form method="post" action={`/feeds/${f.id}/edit`}>
          <Csrf token={csrf} />
          <span class="field"><label for={`t${f.id}`}>Name</label><input id={`t${f.id}`} name="title" value={f.customTitle ?? ''} /></span>
          <span class="field"><label for={`f${f.id}`}>Folder</label><input id={`f${f.id}`} name="folder" value={f.folder ?? ''} /></span>
          <button type="submit">Save</button>
        </form>
        <a href={`/feeds/${f.id}/rules`}>Extraction rules…</a>
        <form method="post" action={`/feeds/${f.id}/unsubscribe`}><Csrf token={csrf} /><button type="submit">Unsubscribe</button></form>
      </div>
    </details>
  );
}

function Choices({ choices, csrf }: { choices: NonNullable<FeedsOptions['choices']>; csrf: string }) {
  return (
    <form class="panel choices" method="post" action="/feeds">
      <Csrf token={csrf} />
      <input type="hidden" name="url" value={choices.url} />
      <input type="hidden" name="folder" value={choices.folder} />
      <fieldset>
        <legend>{choices.url} offers {choices.feeds.length} feeds: which one?</legend>
        {choices.feeds.map((c, i) => (
          <p>
            <input type="radio" id={`pick${i + 1}`} name="pick" value={String(i + 1)} checked={i === 0} />{' '}
            <label for={`pick${i + 1}`}>{c.title ?? '(untitled)'} — {c.url} ({c.format}, {c.items} items)</label>
          </p>
        ))}
        <p><button type="submit" class="primary">Subscribe to this one</button></p>
      </fieldset>
    </form>
  );
}

/** The reader's latest OPML import, done by a job: waiting, done (what was skipped and why) or failed. */
function ImportNote({ o, now }: { o: ImportOutcome; now: Date }) {
  const when = <time datetime={o.at}>{relativeAge(o.at, now)}</time>;
  if (o.state === 'queued') return <p role="status" class="opml-import">OPML import queued {when}; reload this page to see how it went.</p>;
  if (o.state === 'failed') return <p role="alert" class="opml-import form-error">OPML import failed {when}: {o.error ?? ''} (it is tried again).</p>;
  return (
    <div role="status" class="opml-import">
      <p>OPML import finished {when}: {o.summary ?? ''}.</p>
      {o.skipped.length > 0 && <ul>{o.skipped.map((s) => <li>{s.url}: {errorPhrase(s.code)} <small class="code">{s.code}</small> {truncate(s.message, 160)}</li>)}</ul>}
    </div>
  );
}

/** A job about the feed that failed on our side (the feed's own fetch errors are above it). */
function JobFailureNote({ f, now, timeZone }: { f: JobFailure; now: Date; timeZone: string }) {
  return (
    <span class="job-failure">
      Job {f.kind}, attempt {f.attempt}, <RelTime iso={f.at} now={now} timeZone={timeZone} />: {errorPhrase(f.code)}{' '}
      <small class="code">{f.code}</small> {truncate(f.message, 160)} ({f.final ? 'gave up' : 'will retry'})
    </span>
  );
}
