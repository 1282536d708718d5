import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHTML } from 'linkedom';
import { prunedMarkup } from '../src/extract/prunedMarkup.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const bodyOf = (html: string): string => (parseHTML(html) as any).document.body.innerHTML;
const page = (body: string): string => `<html><body>${body}</body></html>`;

test('pruning takes out scripts, styles, SVG, templates and comments; JSON-LD stays', () => {
  const page =
    '<html><head><style>p{}</style><script>var a = "<p>";</script>' +
    '<script type="application/ld+json">{"headline":"<b>Harbour</b>"}</script></head>' +
    '<body><p>One<!-- note --> two</p><svg><title>Share</title><path d="M0"/></svg>' +
    '<template><p>later</p></template><script src="/x.js"></script></body></html>';
  const out = prunedMarkup(page);
  assert.doesNotMatch(out, /var a|p\{\}|Share|later|note|x\.js/);
  assert.match(out, /<script type="application\/ld\+json">\{"headline":"<b>Harbour<\/b>"\}<\/script>/);
  assert.equal(bodyOf(out), '<p>One two</p>');
});

test('what Readability deems invisible goes, by its own test; the page frame never does', () => {
  const html =
    '<html><body><p hidden>a</p><p aria-hidden="true">b</p><p style="color: red; display : none">c</p>' +
    '<p style="visibility:hidden">d</p><img aria-hidden="true" class="mwe-math-fallback-image" src="/f.png">' +
    '<div role="dialog" aria-modal="true">e</div><div role="dialog">f</div><p style="display:none !important">g</p>' +
    '<p aria-hidden="false">h</p></body></html>';
  const body = bodyOf(prunedMarkup(html));
  assert.doesNotMatch(body, />[a-e]</);
  assert.match(body, /fallback-image/);
  // linkedom reads "none !important" as not "none", and so does Readability on it.
  assert.match(body, />f<.*>g<.*>h</);
  assert.match(prunedMarkup('<html hidden><body style="display:none"><p>x</p></body></html>'), /<html hidden=""><body style="display:none">/);
});

test('noscript stays only with an image in it', () => {
  const out = prunedMarkup('<p>x</p><noscript><p>Enable JavaScript</p></noscript><img src="/lazy.gif"><noscript><img src="/real.jpg"></noscript>');
  assert.doesNotMatch(out, /Enable/);
  assert.match(out, /<noscript><img src="\/real\.jpg"><\/noscript>/);
});

test('text elements keep only the attributes something reads; media keep all of theirs', () => {
  const out = prunedMarkup(
    `<p class="lede" data-track="1" onclick="go()" style="color:red" title='say "hi" &amp; go'>x</p>` +
      '<img data-src="/big.jpg" src="/blank.gif" loading="lazy"><a href="/a?b=1&amp;c=2" target="_blank">y</a>',
  );
  assert.doesNotMatch(out, /data-track|onclick|style|target/);
  assert.match(out, /<img data-src="\/big\.jpg" src="\/blank\.gif" loading="lazy">/);
  const { document } = parseHTML(out) as any;
  assert.equal(document.querySelector('p').getAttribute('title'), 'say "hi" & go');
  assert.equal(document.querySelector('p').className, 'lede');
  assert.equal(document.querySelector('a').getAttribute('href'), '/a?b=1&c=2');
});

test('whitespace between block tags goes; inside text and preformatted blocks it stays', () => {
  const out = prunedMarkup(page('<div>\n  <p>a <b>b</b> <i>c</i></p>\n  <p>d</p>\n</div><pre>\n  <b>x</b>\n</pre>'));
  assert.equal(bodyOf(out), '<div><p>a <b>b</b> <i>c</i></p><p>d</p></div><pre>\n  <b>x</b>\n</pre>');
});

test('the pruned markup builds the tree linkedom builds from the page', () => {
  // Implied ends, stray end tags, unquoted and duplicated attributes, entities, raw text.
  const page =
    '<!DOCTYPE html><html lang=en><body><ul><li>one<li>two</ul><p>para<div>block</div></p><table><tr><td>1<td>2</table>' +
    '<p class=a class=b>x &lt;y&gt; &amp;amp; &copy</p><h2>head<h3>sub</h3></h2><textarea><b>raw</b></textarea>' +
    '<title>in &amp; body</title><a href=/x>one<a href=/y>two</a></span></br><math><mi/>z</math></body></html>';
  assert.equal(bodyOf(prunedMarkup(page)), bodyOf(page));
});
