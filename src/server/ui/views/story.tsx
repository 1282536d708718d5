import type { MeasureReport, StoryReport } from '../../../stories/storyReport.js';
import type { StorySummary } from '../../../store/store.js';
import { formatLocalTime } from '../../../render/time.js';
import { collapseWhitespace } from '../../../text/whitespace.js';
import { renderPage, type Chrome } from '../components/layout.js';
import { RelTime } from '../components/parts.js';
import { EntityLink } from './article.js';

export interface StoryOptions {
  now: Date;
  timeZone: string;
  chrome?: Chrome;
}

/** One story across outlets: who covered it when, copies, names and figures side by side. */
export function storyPage(story: StorySummary, s: StoryReport, opts: StoryOptions): string {
  const title = collapseWhitespace(story.title);
  const sourceOf = new Map(s.bySource.flatMap((g) => g.articles.map((a) => [a.id, g.source] as const)));
  const main = (
    <article class="story">
      <h1>{title}</h1>
      <p class="byline">
        {story.articles} {plural(story.articles, 'article')} from {story.sources} {plural(story.sources, 'source')}
        {story.copies > 0 && `, ${story.copies} ${plural(story.copies, 'wire copy', 'wire copies')}`}
        {s.first && <> · first reported by <strong>{s.first.source}</strong>, <RelTime iso={s.first.published} now={opts.now} timeZone={opts.timeZone} /></>}
      </p>
      <Timeline report={s} timeZone={opts.timeZone} />
      <section aria-labelledby="story-sources">
        <h2 id="story-sources">Articles by source</h2>
        {s.bySource.map((g) => (
          <section class="story-source">
            <h3>{g.source}</h3>
            <ul>
              {g.articles.map((a) => (
                <li>
                  <a href={`/articles/${a.id}`}>{collapseWhitespace(a.title)}</a>{' '}
                  <span class="muted"><RelTime iso={a.published} now={opts.now} timeZone={opts.timeZone} /></span>
                  {a.copyOf !== null && <span class="muted"> · wire copy of {sourceOf.get(a.copyOf) ?? `#${a.copyOf}`}</span>}
                </li>
              ))}
            </ul>
          </section>
        ))}
      </section>
      <CopyGroups report={s} sourceOf={sourceOf} />
      <Entities report={s} />
      <Figures measures={s.figures} />
    </article>
  );
  return renderPage(title, opts.chrome ?? {}, main);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

// Small enough a viewBox that its labels stay readable when a phone scales it down.
const W = 480;
const LABEL = 140;
const ROW = 28;
const PAD = 16;
const AXIS = 22;

/** Coverage over time as SVG (sources × time, a mark per article) with the same facts as a table. */
function Timeline({ report, timeZone }: { report: StoryReport; timeZone: string }) {
  const rows = report.timeline;
  const times = rows.flatMap((r) => r.times.map((t) => Date.parse(t)));
  if (!times.length) return null;
  const start = Math.min(...times);
  const span = Math.max(...times) - start || 1;
  const x = (iso: string) => LABEL + PAD + ((Date.parse(iso) - start) / span) * (W - LABEL - 2 * PAD);
  const height = rows.length * ROW + 2 * PAD + AXIS;
  const axisY = PAD + rows.length * ROW + AXIS / 2;
  const [from, to] = axisLabels(new Date(start).toISOString(), new Date(start + span).toISOString(), timeZone);
  const label = `Coverage timeline: ${rows.length} sources from ${formatLocalTime(new Date(start).toISOString(), timeZone)} to ${formatLocalTime(new Date(start + span).toISOString(), timeZone)}; the table below lists each article's time.`;
  return (
    <section aria-labelledby="story-timeline">
      <h2 id="story-timeline">Coverage</h2>
      <svg class="timeline" viewBox={`0 0 ${W} ${height}`} role="img" aria-label={label}>
        <title>{label}</title>
        {rows.map((r, i) => {
          const y = PAD + i * ROW + ROW / 2;
          return (
            <g>
              <text x={LABEL - 8} y={y + 4} text-anchor="end">{shortLabel(r.source)}</text>
              <line x1={LABEL + PAD} x2={W - PAD} y1={y} y2={y} class="track" />
              {r.times.map((t) => <circle cx={x(t)} cy={y} r={6} class="mark"><title>{`${r.source}: ${formatLocalTime(t, timeZone)}`}</title></circle>)}
            </g>
          );
        })}
        <text x={LABEL + PAD} y={axisY} class="axis">{from}</text>
        <text x={W - PAD} y={axisY} text-anchor="end" class="axis">{to}</text>
      </svg>
      <table class="timeline-table">
        <caption>Coverage by source, in order of first report</caption>
        <thead><tr><th scope="col">Source</th><th scope="col">Published</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr><th scope="row">{r.source}</th><td>{r.times.map((t) => formatLocalTime(t, timeZone)).join('; ')}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function shortLabel(s: string): string {
  return s.length > 18 ? `${s.slice(0, 17)}…` : s;
}

/** The axis ends as hours and minutes (with the day when it spans days): the table has full times. */
function axisLabels(from: string, to: string, timeZone: string): [string, string] {
  const [a, b] = [formatLocalTime(from, timeZone), formatLocalTime(to, timeZone)];
  const cut = a.slice(0, 10) === b.slice(0, 10) ? 11 : 5;
  return [a.slice(cut, 16), b.slice(cut, 16)];
}

/** Word-for-word reprints: the original once, with the outlets that also ran it. */
function CopyGroups({ report, sourceOf }: { report: StoryReport; sourceOf: Map<number, string> }) {
  if (!report.copyGroups.length) return null;
  const titleOf = new Map(report.bySource.flatMap((g) => g.articles.map((a) => [a.id, a.title] as const)));
  return (
    <section aria-labelledby="story-copies">
      <h2 id="story-copies">Wire copies</h2>
      <ul>
        {report.copyGroups.map((c) => {
          const original = sourceOf.get(c.original);
          const others = c.sources.filter((src) => src !== original);
          return (
            <li>
              <a href={`/articles/${c.original}`}>{collapseWhitespace(titleOf.get(c.original) ?? `#${c.original}`)}</a>
              {original && ` (${original})`} — <span class="also-in">also in: {others.join(', ')}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Entities({ report }: { report: StoryReport }) {
  if (!report.entities.length) return null;
  return (
    <section aria-labelledby="story-entities">
      <h2 id="story-entities">People, places and organisations</h2>
      <ul class="entities">
        {report.entities.map((e) => (
          <li><EntityLink name={e.name} /> <span class="muted">({e.type}, {e.sources} {plural(e.sources, 'source')})</span></li>
        ))}
      </ul>
    </section>
  );
}

/** Each measure's reports side by side; a measure whose outlets share no value is flagged in words. */
export function Figures({ measures, heading = 'Figures' }: { measures: readonly MeasureReport[]; heading?: string }) {
  if (!measures.length) return null;
  return (
    <section aria-labelledby="story-figures">
      <h2 id="story-figures">{heading}</h2>
      <table class="figures">
        <thead>
          <tr><th scope="col">Measure</th><th scope="col">Source</th><th scope="col">Figure</th><th scope="col">Attributed to</th></tr>
        </thead>
        <tbody>
          {measures.flatMap((m) => m.reports.map((r, i) => (
            <tr class={m.disagreement ? 'disagree' : undefined}>
              {i === 0 && (
                <th scope="rowgroup" rowSpan={m.reports.length}>
                  {m.unit}
                  {m.disagreement && <> <strong class="flag">Sources disagree</strong></>}
                </th>
              )}
              <td>{r.source}</td>
              <td title={r.sentence}>{r.text}</td>
              <td>{r.attribution ?? <span class="muted">not attributed</span>}</td>
            </tr>
          )))}
        </tbody>
      </table>
    </section>
  );
}
