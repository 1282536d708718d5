import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractArticle } from '../src/extract/extractArticle.js';
import { selectorsFor } from '../src/extract/siteRules.js';
import { articlePage } from './support/publisherServer.js';

const para = (n: number) => `<p>Paragraph ${n}: the harbour commission met on Thursday to discuss the dredging of the northern channel, which has silted up faster than the engineers expected after two stormy winters.</p>`;
const promo = '<div class="inline-module"><p>Promoted: our podcast explains everything you ever wanted to know about harbours, channels, dredging and the people who run them, every single week of the year.</p></div>';

test('per-publisher rules are data: they apply to the publisher\'s hosts only', () => {
  assert.ok(selectorsFor('https://nypost.com/2025/03/27/world-news/x/').includes('.inline-module'));
  assert.ok(selectorsFor('https://www.theguardian.com/world/2025/x').length > 0, 'subdomains match');
  assert.deepEqual(selectorsFor('https://example.org/a'), []);
  const html = articlePage({ title: 'Dredging', siteName: 'News', bodyHtml: `${para(1)}${para(2)}${promo}${para(3)}${para(4)}` });
  assert.doesNotMatch(extractArticle(html, 'https://nypost.com/2025/03/27/dredging/').text, /podcast/);
  assert.match(extractArticle(html, 'https://example.org/2025/03/27/dredging/').text, /podcast/);
});

test('page furniture inside the article is removed; the story, captions and code stay', () => {
  const body = [
    '<ul class="crumbs"><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/news/harbour">Harbour</a></li></ul>',
    para(1),
    '<p><strong><a href="/other">HARBOUR MASTER RETIRES AFTER FORTY YEARS ON THE QUAY</a></strong></p>',
    para(2),
    '<figure><img src="/a.jpg"><figcaption>The dredger at work on Tuesday. Photo: Port Authority</figcaption></figure>',
    '<pre><code>2020-08-01 18:00:00+00 | 200 | 4084</code></pre>',
    para(3),
    '<p>November 19, 2019 at 9:45 am</p>',
    '<h3>Tags</h3><p><a href="/t/1">harbour</a>, <a href="/t/2">dredging</a>, <a href="/t/3">channel</a></p>',
    '<p>© 2019 Harbour Times. All rights reserved.</p>',
    '<p>Sign up for our morning newsletter to get the harbour news first.</p>',
  ].join('');
  const a = extractArticle(articlePage({ title: 'Dredging', siteName: 'News', bodyHtml: body }), 'https://example.org/dredging');
  for (const n of [1, 2, 3]) assert.match(a.text, new RegExp(`Paragraph ${n}:`));
  assert.match(a.text, /The dredger at work on Tuesday\. Photo: Port Authority/);
  assert.match(a.text, /2020-08-01 18:00:00\+00 \| 200 \| 4084/);
  for (const gone of [/HARBOUR MASTER RETIRES/, /November 19, 2019/, /\bTags\b/, /dredging, /, /All rights reserved/, /newsletter/, /^Home/m]) assert.doesNotMatch(a.text, gone);
});

test('a card that pops up over a person\'s link goes; the sentence around the link stays', () => {
  const card = '<span class="rollover"><span><img src="/p.jpg" alt=""><a href="/people/kari-lund">Kari Lund Berg</a><a href="/news/1">Harbour chief warns of silting in the channel</a> <a href="/news/2">Dredging contract goes to a local firm</a></span></span>';
  const body = `<p>Harbour chief <a href="/people/kari-lund">Kari Lund</a>${card} said on Monday that the dredging would start in spring, weather permitting, and last the summer.</p>${para(1)}${para(2)}${para(3)}`;
  const a = extractArticle(articlePage({ title: 'Dredging', siteName: 'News', bodyHtml: body }), 'https://example.org/dredging');
  assert.match(a.text, /Harbour chief Kari Lund said on Monday that the dredging would start/);
  assert.doesNotMatch(a.text, /Kari Lund Berg|Dredging contract goes/);
  // Links in a row that the sentence itself makes are no card: they follow no link of the same address.
  const cited = `<p>The reports (<a href="/r/1">the spring survey</a> <span><a href="/r/2">the autumn survey</a> <a href="/r/3">the winter survey</a></span>) agree on the silting rate of the channel.</p>${para(1)}${para(2)}`;
  assert.match(extractArticle(articlePage({ title: 'Dredging', siteName: 'News', bodyHtml: cited }), 'https://example.org/dredging').text, /the autumn survey the winter survey/);
});

test('the headline at the top of the body goes also when the page title adds the site\'s name', () => {
  const body = `<div><div><div><img src="/logo.png" alt="logo"></div><div><p>Dredging of the northern channel to start</p></div></div>${para(1)}${para(2)}${para(3)}</div>`;
  const html = `<!doctype html><html><head><title>Dredging of the northern channel to start - Harbour Times</title></head><body><article>${body}</article></body></html>`;
  const a = extractArticle(html, 'https://example.org/dredging');
  assert.doesNotMatch(a.text, /Dredging of the northern channel to start/);
  assert.match(a.text, /Paragraph 1:/);
});

test('three or more teaser cards in a row (linked headline, a line of summary) inside the story go; sections with a linked title stay', () => {
  const card = (n: number) => `<div><h3><a href="/s/${n}">Another story about the harbour number ${n}</a></h3><p>A line of summary for the story number ${n}, which the harbour commission discussed on Thursday after a month of cancelled crossings, with the ferry operators, the port authority and the dredging firm, to make the reader click.</p></div>`;
  const page = (tail: string) => extractArticle(articlePage({ title: 'Dredging', siteName: 'News', bodyHtml: `<div>${para(1)}${para(2)}</div>${tail}<div>${para(3)}${para(4)}</div>` }), 'https://example.org/dredging').text;
  const three = page(`<div>${[1, 2, 3].map(card).join('')}</div>`);
  assert.doesNotMatch(three, /Another story about the harbour|A line of summary/);
  assert.match(three, /Paragraph 4:/);
  assert.match(page(`<div>${[1, 2].map(card).join('')}</div>`), /Another story about the harbour number 2/, 'two are not a list');
  const section = (n: number) => `<section><h3><a href="/p/${n}">Harbour number ${n} and its ferries</a></h3>${para(10 + n)}${para(20 + n)}${para(30 + n)}</section>`;
  assert.match(page([1, 2, 3].map(section).join('')), /Harbour number 3 and its ferries/, 'a section of the story has more than a line of summary');
});

test('lazy images resolve to real URLs, tracking pixels go, images keep caption and credit', () => {
  const body = `${para(1)}<figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-srcset="/img/small.jpg 400w, /img/large.jpg 1200w" alt=""><figcaption>Harbour at dawn <span class="credit">Kari Lund</span></figcaption></figure><img src="https://track.example/pixel.gif" width="1" height="1">${para(2)}${para(3)}`;
  const a = extractArticle(articlePage({ title: 'Dawn', siteName: 'News', bodyHtml: body }), 'https://example.org/dawn');
  assert.equal(a.images.length, 1);
  assert.equal(a.images[0]!.url, 'https://example.org/img/large.jpg');
  assert.equal(a.images[0]!.caption, 'Harbour at dawn');
  assert.equal(a.images[0]!.credit, 'Kari Lund');
  assert.doesNotMatch(a.html, /pixel\.gif/);
});

test('a story Readability finds only on its second try (inside an unlikely-looking block) is extracted whole', () => {
  // "sidebar" makes the story's container an unlikely candidate: the first try is left with
  // the short teaser, and the page must be read again with the candidate kept.
  const story = [1, 2, 3, 4].map(para).join('');
  const body = `<p>Teaser.</p><div class="sidebar">${story}</div>`;
  const a = extractArticle(articlePage({ title: 'Dredging', siteName: 'News', bodyHtml: body }), 'https://example.org/dredging');
  for (const n of [1, 2, 3, 4]) assert.match(a.text, new RegExp(`Paragraph ${n}:`));
});

test('a list of other stories inside the article goes with its heading; a list with prose in it and two linked lines stay', () => {
  const teaser = (n: number) => `<a href="/other/${n}">Harbour story number ${n} that readers also liked this week</a>`;
  const body = [
    para(1),
    `<h3>More from the harbour</h3><ul>${[1, 2, 3].map((n) => `<li>${teaser(n)}</li>`).join('')}</ul>`,
    para(2),
    [4, 5, 6].map((n) => `<p>${teaser(n)}</p>`).join(''),
    para(3),
    `<ul><li>The commission's <a href="/report">dredging report</a>, published in May, counts the cost.</li><li>${teaser(7)}</li><li>${teaser(8)}</li></ul>`,
    `<p>${teaser(9)}</p><p>${teaser(10)}</p>`,
  ].join('');
  const a = extractArticle(articlePage({ title: 'Dredging', siteName: 'News', bodyHtml: body }), 'https://example.org/dredging');
  for (const n of [1, 2, 3]) assert.match(a.text, new RegExp(`Paragraph ${n}:`));
  for (const n of [1, 2, 3, 4, 5, 6]) assert.doesNotMatch(a.text, new RegExp(`number ${n} that`));
  assert.doesNotMatch(a.text, /More from the harbour/);
  assert.match(a.text, /dredging report/, 'a list with prose in it is content');
  assert.match(a.text, /number 8 that/);
  assert.match(a.text, /number 10 that/, 'two linked lines are too few to call a list of other stories');
});

test('MathJax formulas stay in the article and their MathML reads as text', () => {
  // MathJax's context-menu class ("CtxtMenu") would make each formula an unlikely candidate.
  const formula = (mml: string) =>
    `<mjx-container class="MathJax CtxtMenu_Attached_0" jax="CHTML"><mjx-math aria-hidden="true"><mjx-c></mjx-c></mjx-math>` +
    `<mjx-assistive-mml display="inline"><math xmlns="http://www.w3.org/1998/Math/MathML">${mml}</math></mjx-assistive-mml></mjx-container>`;
  const body = [
    para(1),
    `<p>The depth follows ${formula('<mi>d</mi><mo>=</mo><mn>7</mn><mi>k</mi>')} along the channel.</p>`,
    para(2),
    formula('<mi>q</mi><mo>=</mo><mi>v</mi><mi>A</mi>'),
    para(3),
  ].join('');
  const a = extractArticle(articlePage({ title: 'Dredging', siteName: 'News', bodyHtml: body }), 'https://example.org/dredging');
  assert.match(a.html, /<math[^>]*>/);
  assert.match(a.text, /d\s*=\s*7\s*k/);
  assert.match(a.text, /q\s*=\s*v\s*A/);
  assert.doesNotMatch(a.text, /CtxtMenu/);
});

test('a short page under a feed\'s own rules still gives its article (Readability tries it again whole)', () => {
  // Under 500 characters Readability drops its flags one by one and tries again, and a
  // page a feed's selectors look at has no first pass to hand that over to.
  const body = '<div class="story"><p>The ferry timetable starts a week later, the operator said.</p></div><div class="promo"><p>Subscribe now.</p></div>';
  const html = articlePage({ title: 'Ferry', siteName: 'Harbour Times', bodyHtml: body });
  const article = extractArticle(html, 'https://example.org/h/1', { rules: { keep: ['.story'], remove: ['.promo'] } });
  assert.match(article.text, /ferry timetable starts a week later/);
  assert.doesNotMatch(article.text, /Subscribe/);
});

test('a sign-up box around an e-mail field goes whatever its class says; a box of story text with a field stays', () => {
  // The class names nothing NOISE knows; the e-mail field is the signal. The pitch is
  // worded so that no boilerplate phrase catches it.
  const signup = '<div id="mailbox7"><div>Let the harbour come to you: the week in ships, each Friday morning.</div>' +
    '<form><input name="emailAddress" placeholder="Your address"><button type="button">Go</button></form></div>';
  const body = [para(1), para(2), signup, para(3), para(4)].join('');
  const a = extractArticle(articlePage({ title: 'Dredging', siteName: 'News', bodyHtml: body }), 'https://example.org/dredging');
  assert.match(a.text, /Paragraph 4/);
  assert.doesNotMatch(a.text, /the week in ships/);
  // A field inside the story's column must not take the story with it.
  const column = `<div>${para(1)}${para(2)}<input type="email" name="q">${para(3)}</div>`;
  const b = extractArticle(articlePage({ title: 'Dredging', siteName: 'News', bodyHtml: column }), 'https://example.org/dredging');
  for (const n of [1, 2, 3]) assert.match(b.text, new RegExp(`Paragraph ${n}:`));
});

test('a newsletter field inside a short brief takes only its own box, not the story around it', () => {
  // The whole page is shorter than a sign-up box may be: the climb from the field stops
  // before the box that holds the brief's sentence, and before the article element.
  const form = '<form><p>Get the harbour news first.</p><input type="email" name="signup"><button>Join</button></form>';
  const brief = '<p>The ferry to the northern islands resumes its winter timetable on Monday, a week later than planned.</p>';
  const a = extractArticle(articlePage({ title: 'Ferry', siteName: 'News', bodyHtml: `${brief}${form}` }), 'https://example.org/ferry');
  assert.match(a.text, /ferry to the northern islands resumes/);
  assert.doesNotMatch(a.text, /harbour news first/);
  // Lines with no sentence end are not prose: the article element still bounds the climb.
  const line = (n: number) => `<p>Ferry line ${n} resumes its winter timetable on Monday a week later than planned, the operator says</p>`;
  const short = `<article><h1>Ferry back</h1>${line(1)}${line(2)}${line(3)}<div><input type="email"></div></article>`;
  const b = extractArticle(`<html><head><title>Ferry back</title></head><body>${short}<footer>Harbour News</footer></body></html>`, 'https://example.org/back');
  assert.match(b.text, /Ferry line 3 resumes/);
});
