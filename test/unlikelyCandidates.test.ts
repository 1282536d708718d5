import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHTML } from 'linkedom';
import { Readability } from '@mozilla/readability';
import { prunedMarkup } from '../src/extract/prunedMarkup.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const bodyOf = (html: string): string => (parseHTML(html) as any).document.body.innerHTML;
const emptied = (body: string): string => bodyOf(prunedMarkup(`<html><body>${body}</body></html>`, { emptyUnlikely: true }));
const story = (n: number): string =>
  Array.from({ length: n }, (_, i) => `<p>Paragraph ${i} of the story, long enough to count as text, with commas, clauses, and more words.</p>`).join('');

/** Readability's article and whether it tried again, on the page as linkedom builds it. */
function readable(markup: string): { content: string; retried: boolean } {
  const reader = new Readability((parseHTML(markup) as any).document) as any;
  const parsed = reader.parse();
  return { content: parsed?.content ?? '', retried: reader._attempts.length > 0 };
}

test('unlikely candidates are written empty, with the tag and attributes Readability tests', () => {
  const out = emptied(`<div class="sidebar"><ul><li><a href="/a">Most read</a></li></ul></div><div role="navigation">x</div>${story(1)}`);
  assert.equal(out.replace(/<p>.*<\/p>/, ''), '<div class="sidebar"></div><div role="navigation"></div>');
  // Readability spares what also looks like content ("main-sidebar") and never tests links.
  assert.match(emptied('<div class="main-sidebar">kept</div><a class="social" href="/s">kept too</a>'), /kept<\/div>.*kept too/);
});

test('what another reader looks at before Readability removes the candidate keeps it whole', () => {
  const whole = [
    '<div class="header"><h1>Title</h1></div>',
    '<div class="footer"><time datetime="2024-01-02">2 Jan</time></div>',
    '<div class="footer"><script type="application/ld+json">{}</script></div>',
    '<div class="author-box related">Jo Writer</div>',
    '<div class="related"><span><img src="/a.jpg"></span></div>',
    '<div><p class="footer">A paragraph alone in a div</p></div>',
    '<figure><img src="/b.jpg"><div class="credit-footer">Photo: Jo</div></figure>',
    '<table><tr><td><div class="menu">in a table</div></td></tr></table>',
    '<span class="social"><div>a block below</div></span>',
    '<div class="share-tools"><div class="related"><p>a paragraph removeNoise counts</p></div></div>',
  ];
  for (const html of whole) assert.equal(emptied(html), bodyOf(`<html><body>${html}</body></html>`), html);
});

test('a page whose html element Readability removes is left whole', () => {
  const page = '<html class="site-header"><body><div class="sidebar">x</div><p>y</p></body></html>';
  assert.match(bodyOf(prunedMarkup(page, { emptyUnlikely: true })), /sidebar">x</);
});

test("Readability's first pass finds the same article on the emptied page", () => {
  const page =
    '<html><head><title>A story</title></head><body><div class="site-header"><ul><li><a href="/">Home</a></li></ul></div>' +
    `<article><div class="comments-count">3 comments</div>${story(6)}<aside class="related-links"><p>Other story</p></aside></article>` +
    '<div id="footer"><p>About us, careers, and more text in the footer of the page.</p></div></body></html>';
  const full = readable(prunedMarkup(page));
  const fast = readable(prunedMarkup(page, { emptyUnlikely: true }));
  assert.equal(full.retried, false);
  assert.equal(fast.retried, false);
  assert.equal(fast.content, full.content);
  assert.ok(prunedMarkup(page, { emptyUnlikely: true }).length < prunedMarkup(page).length);
});

test('when the first pass finds too little, Readability tries again (the caller then builds the whole page)', () => {
  const page = '<html><body><div class="sidebar">Short sidebar text.</div><p>Short.</p></body></html>';
  assert.equal(readable(prunedMarkup(page, { emptyUnlikely: true })).retried, true);
});
