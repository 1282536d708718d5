import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHTML } from 'linkedom';
import { defaultBlockWeights, keepBlocks, leafBlocks, blockFeatures, type BlockWeights } from '../src/extract/contentBlocks.js';
import { extractArticle } from '../src/extract/extractArticle.js';

const JUDGE: BlockWeights = { linkMax: 0.5, shortChars: 40, longChars: 120, edgesBad: true, maxDrop: 0.5, edgeTrim: 'tail', tailBoxShare: 0, tailBoxProse: 0 };

const para = (n: number) =>
  `<p>Paragraph ${n}: the ferry operators agreed on Wednesday to restore the winter timetable on the island routes, after a month in which crossings were cancelled at short notice.</p>`;
const linkList = (label: string) => `<p><a href="/a">${label} one</a> <a href="/b">${label} two</a> <a href="/c">${label} three</a></p>`;

function blocksOf(html: string) {
  const { document } = parseHTML(`<html><body><article>${html}</article></body></html>`);
  return blockFeatures(leafBlocks(document.querySelector('article')));
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
  for (const k of ['linkMax', 'shortChars', 'longChars', 'maxDrop', 'tailBoxShare', 'tailBoxProse'] as const) assert.equal(typeof w[k], 'number');
  assert.equal(typeof w.edgesBad, 'boolean');
  assert.ok(['none', 'tail', 'both'].includes(w.edgeTrim));
});

test('under inert weights the judge keeps every block that repeats nothing', () => {
  const inert: BlockWeights = { linkMax: 1.01, shortChars: 80, longChars: 300, edgesBad: false, maxDrop: 1, edgeTrim: 'none', tailBoxShare: 0, tailBoxProse: 0 };
  const body = `<p>x</p>${linkList('Alpha')}<p>Short line</p>${para(1)}<p>Tail line</p>`;
  assert.equal(kept(body, inert).length, blocksOf(body).length);
});

const INERT: BlockWeights = { linkMax: 1.01, shortChars: 0, longChars: 300, edgesBad: false, maxDrop: 1, edgeTrim: 'none', tailBoxShare: 0, tailBoxProse: 0 };
const caption = 'In this Sunday photograph, the ferry leaves the harbour at dawn. (Photo/Ola Berg)';

test('a line said again off the story column with no prose between goes; the first stays', () => {
  const gallery = `<div class="gallery"><div><p>${caption}</p></div><div><p>${caption}</p></div><div><p>Photo: Ola Berg</p></div><div><div><p>${caption}</p></div></div></div>`;
  const blocks = blocksOf(`${gallery}<div class="body">${[1, 2, 3].map(para).join('')}</div>`);
  assert.deepEqual(blocks.map((b) => b.repeated), [false, true, false, true, false, false, false]);
  const out = keepBlocks(blocks, INERT);
  assert.deepEqual(blocks.filter((_, i) => out[i]).map((b) => b.text.slice(0, 12)), ['In this Sund', 'Photo: Ola B', 'Paragraph 1:', 'Paragraph 2:', 'Paragraph 3:']);
});

test('lines that come back after prose, the story\'s own paragraphs and list items are not repeats', () => {
  const question = '<div class="q"><p>What brought you to the ferries?</p></div>';
  const interview = `${question}<div class="a">${para(1)}</div>${question}<div class="a">${para(2)}</div>`;
  assert.ok(blocksOf(interview).every((b) => !b.repeated), 'an interview asks each guest the same question');
  assert.ok(blocksOf(`<div class="body">${para(1)}${para(1)}${para(2)}</div>`).every((b) => !b.repeated), 'the column may repeat itself');
  const features = '<ul><li>Charges quickly in the case</li><li>Easy setup for all devices</li></ul>';
  assert.ok(blocksOf(`${features}${features}`).every((b) => !b.repeated), 'products listed in a row share features');
});

const story = `<div class="body">${[1, 2, 3, 4, 5].map(para).join('')}</div>`;
const bioBox = '<div class="bio"><h3>About the author</h3><p>Kari Lund covers the islands and their ferries for the paper.</p></div>';
const BOX: BlockWeights = { linkMax: 1.01, shortChars: 0, longChars: 100, edgesBad: false, maxDrop: 0.5, edgeTrim: 'none', tailBoxShare: 0.2, tailBoxProse: 2 };

test('the story column is where most prose sits; a box nested apart is outside it', () => {
  const blocks = blocksOf(`${story}${bioBox}`);
  assert.deepEqual(blocks.map((b) => b.column), [true, true, true, true, true, false, false]);
  assert.deepEqual(blocks.map((b) => b.heading), [false, false, false, false, false, true, false]);
});

test('a small box opening with a heading after the story column goes, heading and all', () => {
  const out = kept(`${story}${bioBox}`, BOX);
  assert.equal(out.length, 5);
  assert.ok(out.every((t) => t.startsWith('Paragraph')));
  assert.equal(kept(`${story}${bioBox}`, { ...BOX, tailBoxShare: 0 }).length, 7, 'the share is a weight; 0 keeps the box');
});

test('what follows the column without a heading, a long tail and figures in the box stay', () => {
  const note = '<div class="note"><p>Kari Lund covers the islands and their ferries for the paper.</p></div>';
  assert.equal(kept(`${story}${note}`, BOX).length, 6, 'no heading: no box to take');
  const sequel = `<div class="part-two"><h3>The crossing</h3>${[6, 7, 8, 9].map(para).join('')}</div>`;
  assert.equal(kept(`${story}${sequel}`, BOX).length, 10, 'more than the share: the story going on');
  const section = `<div class="part-two"><h3>The crossing</h3>${para(6)}${para(7)}${para(8)}</div>`;
  const wide = { ...BOX, tailBoxShare: 0.5 };
  assert.equal(kept(`${story}${section}`, wide).length, 9, 'more prose blocks than tailBoxProse: a section');
  assert.equal(kept(`${story}${section}`, { ...wide, tailBoxProse: 3 }).length, 5);
  const figure = '<figure><img src="/f.jpg"><figcaption>The ferry at dawn</figcaption></figure>';
  const withFigure = kept(`${story}<div class="bio"><h3>About the author</h3>${figure}</div>`, BOX);
  assert.ok(withFigure.includes('The ferry at dawn') && !withFigure.includes('About the author'));
});

test('a subheading inside the story column is not a box', () => {
  const body = `<div class="body">${para(1)}${para(2)}${para(3)}<h3>What comes next</h3>${para(4)}</div>`;
  assert.equal(kept(body, BOX).length, 5);
});
