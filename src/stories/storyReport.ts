import { canonicalNames } from './canonicalNames.js';
import type { EntityType } from './entities.js';

/** An article of a story as stored: its source, time, copy link, entities and figures (JSON). */
export interface ReportArticle {
  id: number;
  title: string;
  url: string;
  source: string;
  published: string;
  copyOf: number | null;
  entities: unknown[];
  figures: unknown[];
}

export interface FigureReport {
  articleId: number;
  source: string;
  value: number | [number, number];
  qualifier: string | null;
  text: string;
  attribution: string | null;
  sentence: string;
}

/** One measure (figures with the same unit) as the story's outlets report it. */
export interface MeasureReport {
  unit: string;
  reports: FigureReport[];
  /** Two outlets give values for it with none in common. */
  disagreement: boolean;
}

export interface StoryEntity {
  name: string;
  type: EntityType;
  mentions: number;
  /** Outlets that name it. */
  sources: number;
}

export interface StoryReport {
  bySource: { source: string; articles: { id: number; title: string; url: string; published: string; copyOf: number | null }[] }[];
  first: { source: string; articleId: number; published: string } | null;
  copyGroups: { original: number; copies: number[]; sources: string[] }[];
  entities: StoryEntity[];
  figures: MeasureReport[];
  disagreements: MeasureReport[];
  /** Coverage over time: per source, the publication times of its articles (sources in order of first report). */
  timeline: { source: string; times: string[] }[];
}

const MAX_ENTITIES = 40;

/** What a story page shows, from its stored articles (oldest first): cheap grouping, no text analysis. */
export function storyReport(articles: readonly ReportArticle[]): StoryReport {
  const ordered = [...articles].sort((a, b) => a.published.localeCompare(b.published) || a.id - b.id);
  const bySource = groupBySource(ordered);
  const first = ordered[0];
  const figures = measuresOf(ordered);
  return {
    bySource,
    first: first ? { source: first.source, articleId: first.id, published: first.published } : null,
    copyGroups: copyGroupsOf(ordered),
    entities: entitiesOf(ordered),
    figures,
    disagreements: figures.filter((m) => m.disagreement),
    timeline: bySource.map((s) => ({ source: s.source, times: s.articles.map((a) => a.published) })),
  };
}

function groupBySource(articles: readonly ReportArticle[]): StoryReport['bySource'] {
  const out = new Map<string, StoryReport['bySource'][number]>();
  for (const a of articles) {
    const entry = out.get(a.source) ?? { source: a.source, articles: [] };
    entry.articles.push({ id: a.id, title: a.title, url: a.url, published: a.published, copyOf: a.copyOf });
    out.set(a.source, entry);
  }
  return [...out.values()];
}

function copyGroupsOf(articles: readonly ReportArticle[]): StoryReport['copyGroups'] {
  const byId = new Map(articles.map((a) => [a.id, a]));
  const groups = new Map<number, number[]>();
  for (const a of articles) if (a.copyOf !== null) groups.set(a.copyOf, [...(groups.get(a.copyOf) ?? []), a.id]);
  return [...groups].map(([original, copies]) => ({
    original,
    copies,
    sources: [...new Set([original, ...copies].map((id) => byId.get(id)?.source).filter((s): s is string => !!s))],
  }));
}

function entitiesOf(articles: readonly ReportArticle[]): StoryEntity[] {
  const mentions = articles.flatMap((a) => a.entities.filter(isEntity).map((e) => ({ ...e, source: a.source })));
  const canon = canonicalNames(mentions);
  const found = new Map<string, { name: string; type: EntityType; mentions: number; sources: Set<string> }>();
  for (const m of mentions) {
    const name = canon.get(`${m.type}:${m.text}`) ?? m.text;
    const key = `${m.type}:${name}`;
    const e = found.get(key) ?? { name, type: m.type, mentions: 0, sources: new Set<string>() };
    e.mentions++;
    e.sources.add(m.source);
    found.set(key, e);
  }
  return [...found.values()]
    .map((e) => ({ name: e.name, type: e.type, mentions: e.mentions, sources: e.sources.size }))
    .sort((a, b) => b.sources - a.sources || b.mentions - a.mentions || a.name.localeCompare(b.name))
    .slice(0, MAX_ENTITIES);
}

/**
 * Figures grouped by what they count. A wire copy adds nothing of its own (its original
 * speaks for it), so two outlets reprinting one text never disagree. Two outlets disagree
 * on a measure when each gives values for it and they share none.
 */
function measuresOf(articles: readonly ReportArticle[]): MeasureReport[] {
  const byUnit = new Map<string, FigureReport[]>();
  for (const a of articles) {
    if (a.copyOf !== null) continue;
    for (const { unit, ...r } of figuresOf(a)) if (unit) byUnit.set(unit, [...(byUnit.get(unit) ?? []), r]);
  }
  const out: MeasureReport[] = [];
  for (const [unit, reports] of byUnit) {
    if (new Set(reports.map((r) => r.source)).size < 2) continue;
    out.push({ unit, reports, disagreement: outletsDisagree(reports) });
  }
  return out.sort((a, b) => Number(b.disagreement) - Number(a.disagreement) || b.reports.length - a.reports.length || a.unit.localeCompare(b.unit));
}

/** An article's stored figures that are well formed, with what each counts (null: unknown). */
export function figuresOf(a: Pick<ReportArticle, 'id' | 'source' | 'figures'>): Array<FigureReport & { unit: string | null }> {
  return a.figures.filter(isFigure).map((f) => ({
    articleId: a.id, source: a.source, unit: f.unit, value: f.value, qualifier: f.qualifier, text: f.text, attribution: f.attribution, sentence: f.sentence,
  }));
}

function outletsDisagree(reports: readonly FigureReport[]): boolean {
  const values = new Map<string, Set<string>>();
  for (const r of reports) values.set(r.source, (values.get(r.source) ?? new Set()).add(JSON.stringify(r.value)));
  const outlets = [...values.values()];
  return outlets.some((a, i) => outlets.slice(i + 1).some((b) => ![...a].some((v) => b.has(v))));
}

function isEntity(e: unknown): e is { text: string; type: EntityType } {
  const x = e as { text?: unknown; type?: unknown } | null;
  return typeof x?.text === 'string' && (x.type === 'person' || x.type === 'place' || x.type === 'organization');
}

function isFigure(f: unknown): f is { value: number | [number, number]; unit: string | null; qualifier: string | null; text: string; attribution: string | null; sentence: string } {
  const x = f as { value?: unknown; text?: unknown } | null;
  return (typeof x?.value === 'number' || Array.isArray(x?.value)) && typeof x?.text === 'string';
}

/** A story as the API and `tidings stories show --json` give it: its summary, articles and report. */
export function storyPageData<S extends object>(story: S, articles: readonly ReportArticle[]) {
  return {
    ...story,
    articles: articles.map((a) => ({ id: a.id, title: a.title, url: a.url, source: a.source, published: a.published, copyOf: a.copyOf })),
    ...storyReport(articles),
  };
}
