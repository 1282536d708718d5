import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { porterStem } from '../src/text/porterStem.js';
import { markHit, hitExcerpt } from '../src/render/searchHighlight.js';
import type { SearchHit } from '../src/model/article.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('porterStem gives the stems of Porter\'s examples', () => {
  const pairs: Array<[string, string]> = [
    ['libraries', 'librari'], ['library', 'librari'], ['caresses', 'caress'], ['ponies', 'poni'], ['cats', 'cat'],
    ['agreed', 'agre'], ['plastered', 'plaster'], ['motoring', 'motor'], ['sing', 'sing'], ['conflated', 'conflat'],
    ['hopping', 'hop'], ['falling', 'fall'], ['hoping', 'hope'], ['filing', 'file'], ['happy', 'happi'], ['sky', 'sky'],
    ['relational', 'relat'], ['generalization', 'gener'], ['electrical', 'electr'], ['adjustment', 'adjust'],
    ['is', 'is'], ['news', 'new'], ['running', 'run'],
  ];
  for (const [word, stem] of pairs) assert.equal(porterStem(word), stem, word);
});

test('porterStem stems every word of the README as SQLite FTS5\'s porter tokenizer does', () => {
  const words = [...new Set(fs.readFileSync(path.join(root, 'README.md'), 'utf8').toLowerCase().match(/[a-z]+/g))];
  assert.ok(words.length > 1000, `${words.length} words`);
  const db = new BetterSqlite3(':memory:');
  db.exec(`create virtual table t using fts5(w, tokenize='porter unicode61 remove_diacritics 2');
    create virtual table v using fts5vocab(t, 'instance')`);
  const insert = db.prepare('insert into t (rowid, w) values (?, ?)');
  words.forEach((w, i) => insert.run(i + 1, w));
  const byDoc = new Map((db.prepare('select doc, term from v').all() as Array<{ doc: number; term: string }>).map((r) => [r.doc, r.term]));
  const differ = words.filter((w, i) => byDoc.get(i + 1) !== porterStem(w));
  db.close();
  assert.deepEqual(differ, []);
});

const hit = (title: string, text: string, terms: SearchHit['terms']): SearchHit =>
  ({ id: 1, title, text, terms, rank: 0, url: 'https://x.example/', source: 'X', section: null, published: '2026-01-01T00:00:00Z', updated: '2026-01-01T00:00:00Z' });

test('highlighting marks the forms of a word the stemmer matched, without case or accents', () => {
  const h = hit('Library opens', 'Two new libraries open on Monday; the library of the café stays shut.', [{ word: 'libraries', prefix: false }, { word: 'cafe', prefix: false }]);
  const m = markHit(h);
  assert.equal(m.titleMarked, '\u0002Library\u0003 opens');
  assert.equal(m.snippetMarked, 'Two new \u0002libraries\u0003 open on Monday; the \u0002library\u0003 of the \u0002café\u0003 stays shut.');
  assert.equal(m.excerpt, 'Two new libraries open on Monday; the library of the café stays shut.');
  const prefixed = markHit(hit('Liberal librarians', 'x', [{ word: 'librar', prefix: true }]));
  assert.equal(prefixed.titleMarked, 'Liberal \u0002librarians\u0003', 'a prefix marks the words it starts');
  const longer = markHit(hit('Ferry timetables and times', 'x', [{ word: 'timeta', prefix: true }]));
  assert.equal(longer.titleMarked, 'Ferry \u0002timetables\u0003 and times', 'a prefix longer than the stem ("timet") marks the word as written');
  const underscored = markHit(hit('snake_case and case', '', [{ word: 'case', prefix: false }]));
  assert.equal(underscored.titleMarked, 'snake_\u0002case\u0003 and \u0002case\u0003', 'as FTS5, _ splits words');
});

test('the passage is the stretch around the first match of a long text, collapsed', () => {
  const filler = 'The council met again on Tuesday.\n\n'.repeat(300);
  const h = hit('Harbour news', `${filler}Dredging   of the channel starts in May. ${filler}`, [{ word: 'dredged', prefix: false }]);
  const m = markHit(h);
  assert.match(m.snippetMarked, /^….* \u0002Dredging\u0003 of the channel starts in May\. The council met .*…$/);
  assert.ok(m.excerpt.length < 240, m.excerpt);
  assert.equal(hitExcerpt(h), m.excerpt);
  const nowhere = markHit(hit('Dredging', filler, [{ word: 'dredging', prefix: false }]));
  assert.match(nowhere.snippetMarked, /^The council met again on Tuesday\. The council.*…$/, 'a match only in the title: the text from its start');
});
