import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHTML } from 'linkedom';
import { Readability } from '@mozilla/readability';
import { elementsNamed, hasDescendantNamed, upperCased } from '../src/extract/elementWalk.js';
import { withShortcuts } from '../src/extract/readabilityShortcuts.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const doc = (html: string): any => (parseHTML(html) as any).document;

test('elementsNamed finds what querySelectorAll finds, in document order, names in any case', () => {
  const d = doc('<html><body><div><h2>a</h2><p>b<span><h1>c</h1></span></p></div><section><h2>d</h2><h1>e</h1></section></body></html>');
  const made = d.createElement('H2'); // Readability creates elements with upper-case names
  d.body.appendChild(made);
  const texts = (els: any[]) => els.map((e) => e.tagName + e.textContent);
  assert.deepEqual(texts(elementsNamed(d, ['h1', 'h2'])), texts(Array.from(d.querySelectorAll('h1,h2'))));
  assert.equal(elementsNamed(d.body, ['H2']).length, 3);
  assert.deepEqual(texts(elementsNamed(d.querySelector('section'), ['h1'])), ['H1e']);
  assert.deepEqual(elementsNamed(d.querySelector('h1'), ['h1']), []);
});

test('hasDescendantNamed looks below the element only', () => {
  const d = doc('<html><body><div id="a"><span><img src="/x.png"></span></div><p id="b">text</p></body></html>');
  const names = upperCased(['img', 'figure']);
  assert.equal(hasDescendantNamed(d.querySelector('#a'), names), true);
  assert.equal(hasDescendantNamed(d.querySelector('#b'), names), false);
  assert.equal(hasDescendantNamed(d.querySelector('img'), names), false);
});

test('Readability with the shortcuts returns what it returns without them', () => {
  const para = (i: number) => `<p>Paragraph ${i}, a sentence of the story with enough words, commas, and length to score.</p>`;
  const page =
    '<html><head><title>Story - Site</title></head><body><div class="header"><h1>Story</h1></div>' +
    `<div class="content"><h2>Part</h2>${[1, 2, 3, 4, 5].map(para).join('')}<font>old</font><br><br>loose text` +
    '<div style="display:none">hidden</div><p hidden>also hidden</p><img aria-hidden="true" class="fallback-image" src="/m.png">' +
    '<noscript><img src="/real.jpg"></noscript><table><tr><td>cell</td></tr></table></div></body></html>';
  const plain = new Readability(doc(page)).parse();
  const fast = withShortcuts(new Readability(doc(page))).parse();
  assert.ok(plain?.content?.includes('Paragraph 5'));
  assert.equal(fast?.content, plain?.content);
  assert.equal(fast?.title, plain?.title);
});
