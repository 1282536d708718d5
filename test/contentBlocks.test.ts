import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHTML } from 'linkedom';
import { defaultBlockWeights, judgeKeepsAll, keepBlocks, leafBlocks, blockFeatures, type BlockWeights } from '../src/extract/contentBlocks.js';
import { extractArticle } from '../src/extract/extractArticle.js';

const JUDGE: BlockWeights = { linkMax: 0.5, shortChars: 40, longChars: 120, edgesBad: true, maxDrop: 0.5, edgeTrim: 'tail' };

const para = (n: number) =>
  `<p>Paragraph ${n}: the ferry operators agreed on Wednesday to restore the winter timetable on the island routes, after a month in which crossings were cancelled at short notice.</p>`;
const linkList = (label: string) => `<p><a href="/a">${label} one</a> <a href="/b">${label} two</a> <a href="/c">${label} three</a></p>`;

function blocksOf(html: string) {
  const { document } = parseHTML(`<html><body><article>${html}</article></body></html>`);
  return leafBlocks(document.querySelector('article')).map(blockFeatures);
}

function kept(html: string, w: BlockWeights): string[] {
  const blocks = blocksOf(html);
  const keep = keepBlocks(blocks, w);
  return blocks.filter((_, i) => keep[i]).map((b) => b.text);
}

test('leaf blocks: innermost blocks in document order; figures, tables and code whole', () => {
  const blocks = blocksOf(`<div><h2>Heading</h2><div>${para(1)}</div></div><figure><img src="/x.jpg"><figcaption>Cap</figcaption></figure><ul><li>One</li><li>Two</li></ul><table><tr><td>cell</td></tr></table>`);
  assert.deepEqual(blocks.map((b) => b.text.slice(0, 9)), ['Heading', 'Paragraph', 'Cap', 'One', 'Two', 'cell']);
  assert.deepEqual(blocks.map((b) => b.fixed), [false, false, true, false, false, true]);
});

test('a block that is mostly links is boilerplate; paragraphs of text are content', () => {
  const out = kept(`${para(1)}${linkList('More stories')}${para(2)}`, JUDGE);
  assert.equal(out.length, 2);
  assert.ok(out.every((t) => t.startsWith('Paragraph')));
});

test('short blocks follow their neighbours: a subheading between paragraphs stays, a label among link lists goes', () => {
  const out = kept(`${para(1)}<h3>The winter timetable</h3>${para(2)}<h3>Elsewhere</h3>${linkList('Ferry news')}${linkList('Island news')}`, JUDGE);
  assert.ok(out.includes('The winter timetable'));
  assert.ok(!out.includes('Elsewhere'));
});

test('after the last content block, lines that are not sentences go; sentences and captions stay', () => {
  const body = `${para(1)}${para(2)}<p>Recent articles</p><p>Our reporter travelled on the ferry for this story.</p><figure><img src="/f.jpg"><figcaption>The ferry at dawn</figcaption></figure><p>Popular this week</p>`;
  const out = kept(body, { ...JUDGE, edgeTrim: 'tail' });
  assert.ok(!out.includes('Recent articles') && !out.includes('Popular this week'));
  assert.ok(out.includes('Our reporter travelled on the ferry for this story.'));
  assert.ok(out.includes('The ferry at dawn'));
  assert.ok(kept(body, { ...JUDGE, edgeTrim: 'none' }).includes('Recent articles'), 'the trim is a weight');
});

test('a judge that would remove most of the text keeps it all instead', () => {
  const body = `${linkList('Alpha')}${linkList('Beta')}<p>Short line.</p>`;
  assert.equal(kept(body, { ...JUDGE, maxDrop: 0.3 }).length, 3);
  assert.ok(kept(body, { ...JUDGE, maxDrop: 1 }).length < 3);
});

test('the judge runs inside extraction with the weights given; null leaves Readability\'s choice', () => {
  const html = `<!doctype html><html><head><title>Ferries</title></head><body><article><h1>Ferries</h1>${para(1)}${para(2)}${para(3)}<figure><img src="https://example.org/f.jpg"><figcaption>The ferry at dawn <span class="credit">Ola Berg</span></figcaption></figure>${para(4)}${linkList('Timetables')}${linkList('Harbours')}</article></body></html>`;
  const judged = extractArticle(html, 'https://example.org/ferries', { blockWeights: { ...JUDGE, edgeTrim: 'none' } });
  assert.doesNotMatch(judged.text, /Timetables one/);
  assert.match(judged.text, /The ferry at dawn Ola Berg/);
  for (const n of [1, 2, 3, 4]) assert.match(judged.text, new RegExp(`Paragraph ${n}:`));
  assert.match(extractArticle(html, 'https://example.org/ferries', { blockWeights: null }).text, /Timetables one/);
});

test('the replay hook gives the text extraction would produce with a chosen set of blocks', () => {
  const html = `<!doctype html><html><head><title>Ferries</title></head><body><article>${para(1)}${para(2)}${para(3)}</article></body></html>`;
  let replay: ((keep: boolean[]) => string) | null = null;
  let count = 0;
  const full = extractArticle(html, 'https://example.org/ferries', { blockWeights: null, inspectBlocks: (blocks, textKeeping) => ((count = blocks.length), (replay = textKeeping)) });
  assert.equal(count, 3);
  assert.equal(replay!([true, true, true]), full.text);
  assert.doesNotMatch(replay!([true, false, true]), /Paragraph 2:/);
});

test('the shipped weights are data with every weight set', () => {
  const w = defaultBlockWeights();
  for (const k of ['linkMax', 'shortChars', 'longChars', 'maxDrop'] as const) assert.equal(typeof w[k], 'number');
  assert.equal(typeof w.edgesBad, 'boolean');
  assert.ok(['none', 'tail', 'both'].includes(w.edgeTrim));
});

test('weights under which the judge keeps every block are known as such (extraction skips the work)', () => {
  const inert: BlockWeights = { linkMax: 1.01, shortChars: 80, longChars: 300, edgesBad: false, maxDrop: 1, edgeTrim: 'none' };
  assert.ok(judgeKeepsAll(inert));
  const body = `<p>x</p>${linkList('Alpha')}<p>Short line</p>${para(1)}<p>Tail line</p>`;
  assert.equal(kept(body, inert).length, blocksOf(body).length);
  for (const w of [{ ...inert, linkMax: 0.9 }, { ...inert, edgesBad: true }, { ...inert, edgeTrim: 'tail' as const }]) assert.ok(!judgeKeepsAll(w));
});
