import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sanitizeHtml, sanitizeSimpleHtml, sanitizeWithTokenizer } from '../src/html/sanitizeHtml.js';
import { IFRAME_HOSTS } from '../src/html/iframeHosts.js';

// The sanitizer's policy, element by element, inside `npm test` (the shared security
// vectors add the attack corpus on top). Each case: input → exact output.

const BASE = 'https://news.example/a/';
/** Every case also proves the short path (sanitizeSimpleHtml) gives what the tokenizer gives. */
const clean = (html: string) => {
  const out = sanitizeHtml(html, BASE);
  assert.equal(out, sanitizeWithTokenizer(html, BASE), `the short path and the tokenizer differ on ${JSON.stringify(html)}`);
  return out;
};

test('text elements are kept with their global attributes only', () => {
  for (const tag of 'p h1 h2 h3 h4 h5 h6 pre code kbd samp var em strong b i u s strike del ins sub sup small big mark cite dfn address abbr acronym'.split(' ')) {
    assert.equal(clean(`<${tag} lang="en" dir="ltr" title="t" id="x" class="c" style="color:red" onclick="x()">w</${tag}>`), `<${tag} lang="en" dir="ltr" title="t">w</${tag}>`, tag);
  }
});

test('structural elements are kept', () => {
  for (const tag of 'div section article aside header footer main figure details summary ul dl dt dd center'.split(' ')) {
    assert.equal(clean(`<${tag}>w</${tag}>`), `<${tag}>w</${tag}>`, tag);
  }
});

test('lists and tables keep their own attributes', () => {
  assert.equal(clean('<ol start="3" reversed type="a" onclick="x"><li value="4">x</li></ol>'), '<ol start="3" reversed="" type="a"><li value="4">x</li></ol>');
  assert.equal(clean('<table summary="s" border="1"><caption>c</caption><thead><tr><th scope="col" abbr="a" colspan="2">h</th></tr></thead><tbody><tr><td rowspan="2" headers="h" bgcolor="red">d</td></tr></tbody></table>'),
    '<table summary="s"><caption>c</caption><thead><tr><th scope="col" abbr="a" colspan="2">h</th></tr></thead><tbody><tr><td rowspan="2" headers="h">d</td></tr></tbody></table>');
  assert.equal(clean('<colgroup span="2"><col span="1"></colgroup>'), '<colgroup span="2"><col span="1"></colgroup>');
});

test('void elements are written without end tags; stray end tags vanish', () => {
  assert.equal(clean('a<br>b<hr/>c<wbr>d</span></div>'), 'a<br>b<hr>c<wbr>d');
});

test('<br></br>, written by XHTML habit, is one line break', () => {
  assert.equal(clean('a<br></br>b'), 'a<br>b');
});

test('unknown and disallowed elements lose their tags but keep their text', () => {
  assert.equal(clean('<font color="red">red</font> <blink>b</blink> <custom-el x="1">c</custom-el> <form action="/x">f<input name="a"></form>'), 'red b c f');
});

test('script-like and embedding elements are dropped with their content', () => {
  for (const tag of 'script style textarea title template noscript xmp noembed noframes object applet select button canvas map'.split(' ')) {
    assert.equal(clean(`a<${tag}>secret <b>x</b></${tag}>b`), 'ab', tag);
  }
  assert.equal(clean('a<plaintext>everything <b>after</b>'), 'a');
});

test('raw-text elements end only at their own end tag, as in a browser', () => {
  assert.equal(clean('<style>a</p><img src=x onerror=alert(1)></style><p>after</p>'), '<p>after</p>');
  assert.equal(clean('<textarea><p title="</textarea><img src=/x.png>">x</p>'), '<img src="https://news.example/x.png">"&gt;x');
  assert.equal(clean('<script>if (a<b) document.write("</scr"+"ipt>")</script>ok'), 'ok');
});

test('comments, doctypes, processing instructions and CDATA in HTML are no content', () => {
  assert.equal(clean('a<!-- c <b>x</b> -->b<!DOCTYPE html>c<?php echo 1 ?>d<![CDATA[<b>e</b>]]>f'), 'abcdf');
  assert.equal(clean('a<!--> <b>x</b>'), 'a <b>x</b>');
});

test('links: http(s), mailto and fragments; relative ones resolved; other schemes dropped', () => {
  assert.equal(clean('<a href="https://x.example/" hreflang="en" target="_blank" rel="opener">x</a>'), '<a href="https://x.example/" hreflang="en">x</a>');
  assert.equal(clean('<a href="mailto:a@x.example">m</a>'), '<a href="mailto:a@x.example">m</a>');
  assert.equal(clean('<a href="#n">f</a>'), '<a href="#n">f</a>');
  assert.equal(clean('<a href="../b?q=1&amp;r=2">r</a>'), '<a href="https://news.example/b?q=1&amp;r=2">r</a>');
  for (const href of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', ' javascript:alert(1)', '&#106;avascript:alert(1)', 'jav&#x09;ascript:alert(1)',
    'vbscript:x', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd']) {
    assert.equal(clean(`<a href="${href}">x</a>`), '<a>x</a>', href);
  }
});

test('images: http(s) and raster data URLs; an image without a source is dropped', () => {
  assert.equal(clean('<img src="p.jpg" alt="A" width="10" height="20" loading="lazy" onerror="x">'), '<img src="https://news.example/a/p.jpg" alt="A" width="10" height="20">');
  assert.equal(clean('<img src="data:image/png;base64,iVBORw0KGgo=">'), '<img src="data:image/png;base64,iVBORw0KGgo=">');
  assert.equal(clean('<img src="data:image/svg+xml;base64,PHN2Zz4=">'), '');
  assert.equal(clean('<img src="javascript:alert(1)">'), '');
  assert.equal(clean('<image src="/i.png">'), '<img src="https://news.example/i.png">');
});

test('srcset: each candidate checked and resolved, descriptors kept', () => {
  assert.equal(clean('<img srcset="a.jpg 1x, /b.jpg 2x, javascript:alert(1) 3x, https://c.example/c,d.jpg 640w">'),
    '<img srcset="https://news.example/a/a.jpg 1x, https://news.example/b.jpg 2x, https://c.example/c,d.jpg 640w">');
  assert.equal(clean('<picture><source srcset="s.webp" type="image/webp" media="(min-width: 1px)"><img src="s.jpg"></picture>'),
    '<picture><source srcset="https://news.example/a/s.webp" type="image/webp" media="(min-width: 1px)"><img src="https://news.example/a/s.jpg"></picture>');
});

test('style attributes and style elements never survive', () => {
  assert.equal(clean('<p style="background:url(javascript:alert(1))">x</p><style>p{color:red}</style>'), '<p>x</p>');
  assert.equal(clean('<svg><rect style="fill:red" width="1"/></svg>'), '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1"/></svg>');
});

test('classes: only the caption and credit markers', () => {
  assert.equal(clean('<figcaption class="x caption y">c <span class="credit big">AP</span></figcaption>'), '<figcaption class="caption">c <span class="credit">AP</span></figcaption>');
  assert.equal(clean('<span class="x">s</span>'), '<span>s</span>');
});

test('media elements keep safe sources and controls', () => {
  assert.equal(clean('<video src="v.mp4" poster="p.jpg" controls autoplay width="3"><track src="t.vtt" kind="captions" srclang="en" label="EN"></video>'),
    '<video src="https://news.example/a/v.mp4" poster="https://news.example/a/p.jpg" controls="" width="3"><track src="https://news.example/a/t.vtt" kind="captions" srclang="en" label="EN"></video>');
  assert.equal(clean('<audio src="javascript:x" controls>a</audio>'), '<audio controls="">a</audio>');
});

test('iframes: only https players on the allow-list, always sandboxed, content dropped', () => {
  assert.equal(clean('<iframe src="https://www.youtube.com/embed/x" width="5" height="6" allowfullscreen onload="x" srcdoc="<script>">fallback</iframe>'),
    '<iframe src="https://www.youtube.com/embed/x" width="5" height="6" allowfullscreen sandbox="allow-scripts allow-same-origin allow-presentation"></iframe>');
  assert.equal(clean('<iframe src="http://www.youtube.com/embed/x"></iframe>'), '');
  assert.equal(clean('<iframe src="https://evil.example/"></iframe>'), '');
  assert.equal(clean('<iframe src="https://www.youtube.com.evil.example/"></iframe>'), '');
  assert.equal(clean('<iframe src="javascript:alert(1)"></iframe>'), '');
  for (const host of IFRAME_HOSTS) assert.match(clean(`<iframe src="https://${host}/embed/1"></iframe>`), /^<iframe /, host);
});

test('event handlers and unknown attributes are dropped everywhere', () => {
  assert.equal(clean('<b onmouseover="x" data-x="1" aria-label="l" xmlns="x">b</b>'), '<b>b</b>');
});

test('a repeated attribute counts once, the first time, as browsers read it', () => {
  assert.equal(clean('<a href="https://ok.example/" href="javascript:alert(1)">x</a>'), '<a href="https://ok.example/">x</a>');
  assert.equal(clean('<a href="javascript:alert(1)" href="https://ok.example/">x</a>'), '<a>x</a>');
});

test('a tag with thousands of attributes keeps the first of each name', () => {
  const attrs = Array.from({ length: 5000 }, (_, i) => `data-a${i}="x"`).join(' ');
  assert.equal(clean(`<a ${attrs} href="https://ok.example/" ${attrs} href="javascript:alert(1)" title="t">x</a>`), '<a href="https://ok.example/" title="t">x</a>');
});

test('attributes are split as a browser splits them', () => {
  assert.equal(clean('<a title="x"href="https://ok.example/">x</a>'), '<a title="x" href="https://ok.example/">x</a>');
  assert.equal(clean("<a href=https://ok.example/ title='q\"t'>x</a>"), '<a href="https://ok.example/" title="q&quot;t">x</a>');
  assert.equal(clean('<img/src="/i.png"/alt="a">'), '<img src="https://news.example/i.png" alt="a">');
});

test('entities are decoded once and written back escaped', () => {
  assert.equal(clean('a &amp;lt; b &lt;i&gt; &copy &notin; &#x3c;script&#x3e;'), 'a &amp;lt; b &lt;i&gt; © ∉ &lt;script&gt;');
  assert.equal(clean('<a title="&quot;&lt;&amp;amp;">x</a>'), '<a title="&quot;&lt;&amp;amp;">x</a>');
});

test('a stray "<" or ">" is text', () => {
  assert.equal(clean('1 < 2 > 0 <3 <'), '1 &lt; 2 &gt; 0 &lt;3 &lt;');
});

test('output is balanced, and blocks close an open paragraph as in a browser', () => {
  assert.equal(clean('<p><b>bold <i>both'), '<p><b>bold <i>both</i></b></p>');
  assert.equal(clean('<p>one<div>two</div>'), '<p>one</p><div>two</div>');
  assert.equal(clean('<ul><li>a<li>b</ul>'), '<ul><li>a</li><li>b</li></ul>');
  assert.equal(clean('<p>a<p>b'), '<p>a</p><p>b</p>');
});

test('"/>" does not close an HTML element', () => {
  assert.equal(clean('<b/>bold</b> plain'), '<b>bold</b> plain');
});

test('inline SVG: drawing elements kept, scripts, animation, foreignObject and outside references dropped', () => {
  assert.equal(clean('<svg width="10" viewBox="0 0 1 1" onload="x"><circle cx="1" r="2" fill="url(#g)"/><script>x</script><animate attributeName="href" to="javascript:x"/><foreignObject><p>x</p></foreignObject><rect fill="url(https://evil.example/x)" width="1"/><use href="#a"/><a href="javascript:x"><text>t</text></a></svg>'),
    '<svg width="10" viewbox="0 0 1 1" xmlns="http://www.w3.org/2000/svg"><circle cx="1" r="2" fill="url(#g)"/><rect width="1"/><a><text>t</text></a></svg>');
});

test('inline MathML: formula elements kept, links and unknown elements dropped', () => {
  assert.equal(clean('<math display="block"><mfrac><mi>a</mi><mn>2</mn></mfrac><maction actiontype="statusline" href="javascript:x">m</maction></math>'),
    '<math display="block" xmlns="http://www.w3.org/1998/Math/MathML"><mfrac><mi>a</mi><mn>2</mn></mfrac><maction>m</maction></math>');
});

test('markup that hides behind foreign content is tokenized as a browser would', () => {
  // In SVG <style> is no raw text: the <img> inside is a real (disallowed) element.
  assert.equal(clean('<svg><style><img src=x onerror=alert(1)></style></svg>'), '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
  // Inside <desc> HTML is back: <b> is HTML, kept.
  assert.equal(clean('<svg><desc><b>d</b></desc></svg>'), '<svg xmlns="http://www.w3.org/2000/svg"><desc><b>d</b></desc></svg>');
});

test('nesting deeper than the bound keeps the text, not the tags', () => {
  const out = clean(`${'<div>'.repeat(2000)}deep${'</div>'.repeat(2000)}`);
  assert.ok(out.includes('deep'));
  assert.ok((out.match(/<div>/g) ?? []).length <= 512);
});

test('plain text passes through escaped and trimmed', () => {
  assert.equal(clean('  just text > more  '), 'just text &gt; more');
  assert.equal(clean(''), '');
});

test('short snippets of text, entities and plain inline tags take the short path, with the tokenizer\'s output', () => {
  const taken = ['<p>One &amp; two</p><p>three', 'a <b>bold <i>move</b> here', '<P>Caps</P><BR/>line<br />two', 'x</br>y</p>z', '<p>a<p>b<b>c<p>d', '&lt;script&gt; &copy &notit; &#x26;'];
  for (const html of taken) {
    assert.notEqual(sanitizeSimpleHtml(html), null, html);
    assert.equal(clean(html), sanitizeWithTokenizer(html, BASE));
  }
  // Attributes, links, comments, other elements, stray "<", and what is long or deep: the tokenizer.
  const left = ['<p class="x">a</p>', '<a href="/x">a</a>', 'a<!-- c -->b', '<div>a</div>', 'a < b', '<b/>x', '<b', '<b>'.repeat(40), `<p>${'x'.repeat(5000)}</p>`];
  for (const html of left) {
    assert.equal(sanitizeSimpleHtml(html), null, html);
    clean(html);
  }
});

test('the short path matches the tokenizer on thousands of random snippets of its vocabulary', () => {
  // A fixed-seed generator (mulberry32), so a failure is the same on every run.
  let seed = 0x5eed;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pieces = ['<p>', '</p>', '<b>', '</b>', '<i>', '</i>', '<em>', '</em>', '<strong>', '</strong>', '<br>', '<br/>', '</br>', '<sub>', '</sup>', '<code>', '</code>',
    'word', ' ', '\n', '&amp;', '&lt;', '&gt', '&quot;', '&#39;', '&nbsp;', '&copy', '&bogus;', '&#0;', '&#x1F600;', '"', "'", '>', 'é', '\u0000', '\r\n'];
  let taken = 0;
  for (let n = 0; n < 5000; n++) {
    const html = Array.from({ length: 1 + Math.floor(random() * 16) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    const short = sanitizeSimpleHtml(html);
    if (short === null) continue;
    taken++;
    assert.equal(short, sanitizeWithTokenizer(html, BASE), JSON.stringify(html));
  }
  assert.ok(taken > 4500, `${taken} of 5000 took the short path`);
});
