import fs from 'node:fs';
import path from 'node:path';
import type { StoryArticle } from '../../src/stories/storyState.js';

/** An evaluation item: an article in the data's time order and its gold story. */
export interface GoldArticle {
  article: StoryArticle;
  gold: string;
  /** Which half it falls in: 'tune' or 'test', decided by its gold group, never by its text. */
  half: 'tune' | 'test';
}

/** RFC 4180 rows: quoted fields with doubled quotes, no newlines inside fields in this file. */
function csvRow(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    }
    else field += c;
  }
  out.push(field);
  return out;
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** UCI News Aggregator prefix: headlines, in timestamp order (ties by row id). Halves by story hash. */
export function uciArticles(dir: string): GoldArticle[] | null {
  const file = path.join(dir, 'uci-news-aggregator-sample', 'uci-news-aggregator-first6366.csv');
  if (!fs.existsSync(file)) return null;
  const [, ...lines] = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  // The file's last line is cut short (a truncated copy): only complete rows count.
  const rows = lines.map(csvRow).filter((f) => f.length === 8).map(([id, title, , publisher, , story, , ts]) => ({ id: id!, title: title!, publisher: publisher!, story: story!, ts: Number(ts) }));
  rows.sort((a, b) => a.ts - b.ts || Number(a.id) - Number(b.id));
  return rows.map((r) => ({
    article: { id: r.id, title: r.title, published: r.ts, source: r.publisher },
    gold: r.story,
    half: fnv(r.story) % 2 === 0 ? 'tune' : 'test',
  }));
}

/** ECB+ full texts in file order; title = first line. Halves by topic (odd topics tune). */
export function ecbArticles(dir: string): GoldArticle[] | null {
  const file = path.join(dir, 'ecbplus-story-clusters', 'ecbplus_docs.jsonl');
  if (!fs.existsSync(file)) return null;
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { doc: string; topic: string; subtopic: string; text: string })
    .map((d) => {
      const [title, ...rest] = d.text.split('\n');
      return { article: { id: d.doc, title: title!, text: rest.join('\n') }, gold: d.subtopic, half: Number(d.topic) % 2 === 1 ? 'tune' : 'test' };
    });
}

export interface NerSentence {
  text: string;
  entities: { type: string; start: number; end: number }[];
}

const WNUT_TYPES: Record<string, string> = { person: 'person', location: 'place', corporation: 'organization', group: 'organization' };

/** WNUT-17 BIO tokens joined by spaces; person/location/corporation/group kept, products and works left out. */
export function wnutSentences(dir: string, name: string): NerSentence[] | null {
  const file = path.join(dir, 'wnut17-ner', name);
  if (!fs.existsSync(file)) return null;
  const out: NerSentence[] = [];
  for (const block of fs.readFileSync(file, 'utf8').split(/\n\s*\n/)) {
    let text = '';
    const entities: NerSentence['entities'] = [];
    let open: { type: string; start: number; end: number } | null = null;
    for (const line of block.split('\n')) {
      const [token, tag] = line.split('\t');
      if (!token || !tag) continue;
      if (text) text += ' ';
      const start = text.length;
      text += token;
      const type = WNUT_TYPES[tag.slice(2)];
      if (tag.startsWith('I-') && open) open.end = text.length;
      else {
        if (open) entities.push(open);
        open = tag.startsWith('B-') && type ? { type, start, end: text.length } : null;
      }
      if (tag.startsWith('I-') && !type) open = null;
    }
    if (open) entities.push(open);
    if (text) out.push({ text, entities });
  }
  return out;
}
