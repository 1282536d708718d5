import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFeed } from '../src/feed/parseFeed.js';
import type { ParsedFeed, ParsedItem } from '../src/model/feed.js';
import { parseDate } from '../src/text/dates.js';
import { xmlDeclaredEncoding } from '../src/text/charset.js';

// Behaviour tests of the feed parser, one small inline fixture each, written from what the
// formats and feedparser's reference documentation say each element means (never from
// anyone's test files). Only `npm test` runs them: no ../shared needed.

const URL = 'http://feeds.example/blog/feed.xml';

function parse(xml: string | Uint8Array, contentType?: string): ParsedFeed {
  return JSON.parse(JSON.stringify(parseFeed(xml, { url: URL, contentType }))) as ParsedFeed;
}

function rss(channel: string, items = '', ns = ''): string {
  return `<?xml version="1.0"?><rss version="2.0" ${ns}><channel>${channel}${items}</channel></rss>`;
}

function rssItem(body: string, ns = ''): ParsedItem {
  return parse(rss('<title>t</title>', `<item>${body}</item>`, ns)).items[0]!;
}

function atom(body: string, attrs = ''): string {
  return `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" ${attrs}>${body}</feed>`;
}

function atomEntry(body: string, feedAttrs = ''): ParsedItem {
  return parse(atom(`<title>t</title><entry>${body}</entry>`, feedAttrs)).items[0]!;
}

const DC = 'xmlns:dc="http://purl.org/dc/elements/1.1/"';
const DCTERMS = 'xmlns:dcterms="http://purl.org/dc/terms/"';
const CONTENT = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"';
const ITUNES = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"';
const MEDIA = 'xmlns:media="http://search.yahoo.com/mrss/"';
const ATOM_NS = 'xmlns:atom="http://www.w3.org/2005/Atom"';

// ---- formats ----

test('RSS 2.0: channel elements map to the feed fields', () => {
  const f = parse(rss(`<title>News &amp; Views</title><link>http://news.example/</link>
    <description>All the &lt;em&gt;news&lt;/em&gt;</description><language>en-gb</language>
    <copyright>© 2025 News</copyright><managingEditor>ed@news.example (Ed Itor)</managingEditor>
    <generator>Blogware 2</generator><ttl>60</ttl><lastBuildDate>Tue, 10 Jun 2025 04:00:00 GMT</lastBuildDate>
    <pubDate>Mon, 09 Jun 2025 04:00:00 GMT</pubDate><category>Politics</category>
    <image><url>http://news.example/logo.png</url><title>News</title><link>http://news.example/</link></image>`));
  assert.equal(f.format, 'rss20');
  assert.equal(f.bozo, false);
  assert.equal(f.title, 'News & Views');
  assert.equal(f.link, 'http://news.example/');
  assert.equal(f.description, 'All the news');
  assert.equal(f.language, 'en-gb');
  assert.equal(f.rights, '© 2025 News');
  assert.deepEqual(f.authors, [{ name: 'Ed Itor', email: 'ed@news.example', url: null }]);
  assert.equal(f.generator, 'Blogware 2');
  assert.equal(f.ttl, 60);
  assert.equal(f.updated, '2025-06-10T04:00:00Z');
  assert.equal(f.published, '2025-06-09T04:00:00Z');
  assert.deepEqual(f.categories, ['Politics']);
  assert.deepEqual(f.image, { url: 'http://news.example/logo.png', title: 'News', link: 'http://news.example/' });
});

test('RSS 2.0: item elements map to the item fields', () => {
  const it = rssItem(`<title>Hello</title><link>http://news.example/1</link><description>&lt;p&gt;Short&lt;/p&gt;</description>
    <guid isPermaLink="false">tag:news.example,2025:1</guid><pubDate>Tue, 10 Jun 2025 04:00:00 GMT</pubDate>
    <author>jo@news.example (Jo Writer)</author><category>A</category><category>B</category>
    <enclosure url="http://news.example/1.mp3" length="1234" type="audio/mpeg"/>
    <comments>http://news.example/1#comments</comments>`);
  assert.equal(it.title, 'Hello');
  assert.equal(it.link, 'http://news.example/1');
  assert.equal(it.summary, '<p>Short</p>');
  assert.equal(it.id, 'tag:news.example,2025:1');
  assert.equal(it.published, '2025-06-10T04:00:00Z');
  assert.deepEqual(it.authors, [{ name: 'Jo Writer', email: 'jo@news.example', url: null }]);
  assert.deepEqual(it.categories, ['A', 'B']);
  assert.deepEqual(it.enclosures, [{ url: 'http://news.example/1.mp3', type: 'audio/mpeg', length: 1234 }]);
  assert.equal(it.comments, 'http://news.example/1#comments');
});

test('RSS 0.91 and 0.92 are read as rss09x', () => {
  for (const v of ['0.91', '0.92']) {
    const f = parse(`<rss version="${v}"><channel><title>Old</title><item><title>x</title><link>http://a.example/</link></item></channel></rss>`);
    assert.equal(f.format, 'rss09x');
    assert.equal(f.items[0]!.link, 'http://a.example/');
  }
});

test('RSS 1.0 (RDF): items are siblings of the channel; rdf:about is the id', () => {
  const f = parse(`<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" ${DC}>
    <channel rdf:about="http://r.example/"><title>RDF site</title><link>http://r.example/</link><description>d</description>
      <items><rdf:Seq><rdf:li rdf:resource="http://r.example/1"/></rdf:Seq></items></channel>
    <item rdf:about="http://r.example/1"><title>One</title><link>http://r.example/1</link>
      <dc:date>2025-06-10T04:00:00+02:00</dc:date><dc:creator>Ann</dc:creator></item></rdf:RDF>`);
  assert.equal(f.format, 'rss10');
  assert.equal(f.title, 'RDF site');
  assert.equal(f.items.length, 1);
  assert.equal(f.items[0]!.id, 'http://r.example/1');
  assert.equal(f.items[0]!.published, '2025-06-10T02:00:00Z');
  assert.deepEqual(f.items[0]!.authors.map((a) => a.name), ['Ann']);
});

test('RSS 0.90 (Netscape RDF) is read as rss09x', () => {
  const f = parse(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
    <channel><title>Netscape</title><link>http://n.example/</link></channel><item><title>i</title><link>http://n.example/i</link></item></rdf:RDF>`);
  assert.equal(f.format, 'rss09x');
  assert.equal(f.title, 'Netscape');
  assert.equal(f.items[0]!.link, 'http://n.example/i');
});

test('Atom 1.0: feed and entry elements map to the model', () => {
  const f = parse(atom(`<title>Atom feed</title><subtitle type="html">For &lt;em&gt;docs&lt;/em&gt;</subtitle>
    <link rel="alternate" type="text/html" href="http://a.example/"/><link rel="self" href="http://a.example/feed"/>
    <link rel="hub" href="http://hub.example/"/><updated>2025-06-10T04:00:00Z</updated><rights>CC-BY</rights>
    <author><name>Mark</name><email>mark@a.example</email><uri>http://a.example/mark</uri></author>
    <generator uri="http://gen.example/">Gen</generator><icon>/favicon.ico</icon>
    <entry><id>urn:uuid:1</id><title>First</title><link href="http://a.example/1"/>
      <published>2025-06-09T04:00:00Z</published><updated>2025-06-10T04:00:00-05:00</updated>
      <summary>Sum</summary><content type="html">&lt;p&gt;Body&lt;/p&gt;</content>
      <category term="tech" label="Technology"/><link rel="enclosure" href="http://a.example/a.mp3" type="audio/mpeg" length="99"/>
      <link rel="replies" type="text/html" href="http://a.example/1#c"/></entry>`, 'xml:lang="en"'));
  assert.equal(f.format, 'atom10');
  assert.equal(f.title, 'Atom feed');
  assert.equal(f.description, 'For docs');
  assert.equal(f.link, 'http://a.example/');
  assert.equal(f.selfUrl, 'http://a.example/feed');
  assert.deepEqual(f.hubs, ['http://hub.example/']);
  assert.equal(f.updated, '2025-06-10T04:00:00Z');
  assert.equal(f.rights, 'CC-BY');
  assert.equal(f.language, 'en');
  assert.deepEqual(f.authors, [{ name: 'Mark', email: 'mark@a.example', url: 'http://a.example/mark' }]);
  assert.equal(f.generator, 'Gen');
  assert.equal(f.image?.url, 'http://feeds.example/favicon.ico');
  const e = f.items[0]!;
  assert.equal(e.id, 'urn:uuid:1');
  assert.equal(e.title, 'First');
  assert.equal(e.link, 'http://a.example/1');
  assert.equal(e.published, '2025-06-09T04:00:00Z');
  assert.equal(e.updated, '2025-06-10T09:00:00Z');
  assert.equal(e.summary, 'Sum');
  assert.equal(e.content, '<p>Body</p>');
  assert.deepEqual(e.categories, ['tech']);
  assert.deepEqual(e.enclosures, [{ url: 'http://a.example/a.mp3', type: 'audio/mpeg', length: 99 }]);
  assert.equal(e.comments, 'http://a.example/1#c');
});

test('Atom 0.3: tagline, modified, issued, copyright and content modes', () => {
  const f = parse(`<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old Atom</title><tagline>Tag line</tagline>
    <modified>2004-01-01T00:00:00Z</modified><copyright>(c) me</copyright>
    <entry><title>e</title><link rel="alternate" type="text/html" href="http://o.example/e"/><id>o1</id>
      <issued>2003-12-31T10:00:00-05:00</issued><modified>2004-01-01T00:00:00Z</modified>
      <content type="text/html" mode="escaped">&lt;b&gt;bold&lt;/b&gt;</content>
      <summary type="text/plain" mode="base64">${Buffer.from('plain & simple').toString('base64')}</summary></entry></feed>`);
  assert.equal(f.format, 'atom03');
  assert.equal(f.description, 'Tag line');
  assert.equal(f.updated, '2004-01-01T00:00:00Z');
  assert.equal(f.rights, '(c) me');
  const e = f.items[0]!;
  assert.equal(e.published, '2003-12-31T15:00:00Z');
  assert.equal(e.content, '<b>bold</b>');
  assert.equal(e.summary, 'plain &amp; simple');
});

test('element names are matched without regard to case, as feedparser reads them', () => {
  const f = parse(`<RSS version="2.0"><CHANNEL><Title>Upper</Title><LINK>/home</LINK>
    <lastbuilddate>Tue, 10 Jun 2025 04:00:00 GMT</lastbuilddate>
    <ITEM><TITLE>One</TITLE><pubdate>Mon, 09 Jun 2025 04:00:00 GMT</pubdate><GUID ispermalink="false">g1</GUID></ITEM></CHANNEL></RSS>`);
  assert.equal(f.format, 'rss20');
  assert.equal(f.bozo, false);
  assert.deepEqual([f.title, f.link, f.updated], ['Upper', 'http://feeds.example/home', '2025-06-10T04:00:00Z']);
  assert.deepEqual(f.items.map((i) => [i.title, i.published, i.id, i.link]), [['One', '2025-06-09T04:00:00Z', 'g1', null]]);
  assert.equal(atomEntry('<ID>1</ID><Title>Mixed</Title>').title, 'Mixed');
});

test('the syndication module gives the update interval', () => {
  const SY = 'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"';
  assert.equal(parse(rss('<title>t</title><sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency>', '', SY)).syndication, 21600);
  assert.equal(parse(rss('<title>t</title><sy:updatePeriod>hourly</sy:updatePeriod>', '', SY)).syndication, 3600);
  assert.equal(parse(rss('<title>t</title><sy:updatePeriod>sometimes</sy:updatePeriod>', '', SY)).syndication, null);
});

test('RSS image and iTunes image: the later one in the document is the feed image', () => {
  const img = '<image><url>http://i.example/rss.png</url><title>Logo</title><link>http://i.example/</link></image>';
  const itunes = '<itunes:image href="http://i.example/art.jpg"/>';
  assert.deepEqual(parse(rss(`<title>t</title>${img}${itunes}`, '', ITUNES)).image, { url: 'http://i.example/art.jpg', title: null, link: null });
  assert.deepEqual(parse(rss(`<title>t</title>${itunes}${img}`, '', ITUNES)).image, { url: 'http://i.example/rss.png', title: 'Logo', link: 'http://i.example/' });
  // An RSS image without a url gives no address, so the iTunes one stands.
  assert.deepEqual(parse(rss(`<title>t</title>${itunes}<image><title>Logo</title></image>`, '', ITUNES)).image?.url, 'http://i.example/art.jpg');
  // An iTunes image without an address attribute replaces nothing; its text is no address.
  assert.deepEqual(parse(rss(`<title>t</title>${img}<itunes:image></itunes:image>`, '', ITUNES)).image?.url, 'http://i.example/rss.png');
  assert.deepEqual(parse(rss(`<title>t</title>${img}<itunes:image>http://i.example/text.jpg</itunes:image>`, '', ITUNES)).image?.url, 'http://i.example/rss.png');
  // Of several iTunes images the last with an address counts.
  assert.deepEqual(parse(rss(`<title>t</title>${itunes}<itunes:image href="http://i.example/late.jpg"/><itunes:image/>`, '', ITUNES)).image?.url, 'http://i.example/late.jpg');
});

test('webMaster is the publisher, not an author; managingEditor is the author', () => {
  assert.deepEqual(parse(rss('<title>t</title><webMaster>web@x.example (Web Team)</webMaster>')).authors, []);
  const f = parse(rss('<title>t</title><webMaster>web@x.example (Web Team)</webMaster><managingEditor>ed@x.example (Ed Itor)</managingEditor>'));
  assert.deepEqual(f.authors, [{ name: 'Ed Itor', email: 'ed@x.example', url: null }]);
});

test('CDF: upper-case CHANNEL and ITEM, the link and date in HREF and LASTMOD, TITLE and ABSTRACT', () => {
  const f = parse(`<?xml version="1.0"?><CHANNEL HREF="/cdf/" LASTMOD="2025-06-10T04:00">
    <TITLE>Channel</TITLE><ABSTRACT>About it</ABSTRACT>
    <ITEM HREF="/cdf/1" LASTMOD="2025-06-09"><TITLE>First</TITLE><ABSTRACT>Its &lt;b&gt;summary&lt;/b&gt;</ABSTRACT></ITEM></CHANNEL>`);
  assert.equal(f.title, 'Channel');
  assert.equal(f.link, 'http://feeds.example/cdf/');
  assert.equal(f.description, 'About it');
  assert.equal(f.updated, '2025-06-10T04:00:00Z');
  assert.deepEqual(f.items.map((i) => [i.title, i.link, i.updated, i.summary]), [['First', 'http://feeds.example/cdf/1', '2025-06-09T00:00:00Z', 'Its <b>summary</b>']]);
});

test('RSS 1.0: the generator given as admin:generatorAgent; iTunes image given with url instead of href', () => {
  const ns = 'xmlns:admin="http://webns.net/mvcb/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"';
  assert.equal(parse(rss('<title>t</title><admin:generatorAgent rdf:resource="http://gen.example/1.0"/>', '', ns)).generator, 'http://gen.example/1.0');
  assert.equal(parse(rss('<title>t</title><itunes:image url="/art.png"/>', '', ITUNES)).image?.url, 'http://feeds.example/art.png');
});

test('JSON Feed 1.1: feed, items, authors, tags, attachments', () => {
  const f = parse(JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1', title: 'JF', home_page_url: 'https://j.example/', feed_url: 'https://j.example/feed.json',
    authors: [{ name: 'Jay', url: 'https://j.example/jay' }], language: 'en',
    items: [
      { id: '1', url: '/posts/1', title: 'Post', content_html: '<p>Hi <a href="x">x</a></p>', summary: 'S', date_published: '2025-06-10T04:00:00+01:00',
        tags: ['a', 'b'], attachments: [{ url: 'https://j.example/a.mp3', mime_type: 'audio/mpeg', size_in_bytes: 10 }] },
      { id: 2, content_text: 'Line one\n\nLine <two>' },
    ],
  }));
  assert.equal(f.format, 'json11');
  assert.equal(f.title, 'JF');
  assert.equal(f.link, 'https://j.example/');
  assert.equal(f.selfUrl, 'https://j.example/feed.json');
  assert.deepEqual(f.authors, [{ name: 'Jay', email: null, url: 'https://j.example/jay' }]);
  const [a, b] = f.items;
  assert.equal(a!.link, 'https://j.example/posts/1');
  assert.equal(a!.content, '<p>Hi <a href="https://j.example/posts/x">x</a></p>');
  assert.equal(a!.published, '2025-06-10T03:00:00Z');
  assert.deepEqual(a!.categories, ['a', 'b']);
  assert.deepEqual(a!.enclosures, [{ url: 'https://j.example/a.mp3', type: 'audio/mpeg', length: 10 }]);
  assert.equal(b!.id, '2');
  assert.equal(b!.content, '<p>Line one</p><p>Line &lt;two&gt;</p>');
});

test('JSON Feed 1.0: author object and the version URL', () => {
  const f = parse(JSON.stringify({ version: 'https://jsonfeed.org/version/1', title: 'Old', author: { name: 'Al' }, items: [] }));
  assert.equal(f.format, 'json10');
  assert.deepEqual(f.authors.map((a) => a.name), ['Al']);
});

// ---- namespaces ----

test('Dublin Core stands in for the core elements', () => {
  const f = parse(rss(`<dc:title>DC title</dc:title><dc:language>fr</dc:language><dc:rights>Droits</dc:rights><dc:creator>Chan</dc:creator>
    <dc:date>2025-06-10T04:00:00Z</dc:date>`,
  `<item><dc:title>Item DC</dc:title><dc:creator>Ann</dc:creator><dc:subject>Sujet</dc:subject><dc:description>desc</dc:description>
    <dcterms:issued>2025-06-09T00:00:00Z</dcterms:issued><dcterms:modified>2025-06-11T00:00:00Z</dcterms:modified></item>`, `${DC} ${DCTERMS}`));
  assert.equal(f.title, 'DC title');
  assert.equal(f.language, 'fr');
  assert.equal(f.rights, 'Droits');
  assert.deepEqual(f.authors.map((a) => a.name), ['Chan']);
  assert.equal(f.updated, '2025-06-10T04:00:00Z');
  const it = f.items[0]!;
  assert.equal(it.title, 'Item DC');
  assert.deepEqual(it.authors.map((a) => a.name), ['Ann']);
  assert.deepEqual(it.categories, ['Sujet']);
  assert.equal(it.summary, 'desc');
  assert.equal(it.published, '2025-06-09T00:00:00Z');
  assert.equal(it.updated, '2025-06-11T00:00:00Z');
});

test('a namespace is known by its URI, whatever prefix the publisher chose', () => {
  const it = rssItem('<x:creator>Pat</x:creator><c:encoded>&lt;p&gt;full&lt;/p&gt;</c:encoded>',
    'xmlns:x="http://purl.org/dc/elements/1.1/" xmlns:c="http://purl.org/rss/1.0/modules/content/"');
  assert.deepEqual(it.authors.map((a) => a.name), ['Pat']);
  assert.equal(it.content, '<p>full</p>');
});

test('content:encoded is the content and the description the summary', () => {
  const it = rssItem('<description>Teaser</description><content:encoded><![CDATA[<p>Full <b>text</b></p>]]></content:encoded>', CONTENT);
  assert.equal(it.summary, 'Teaser');
  assert.equal(it.content, '<p>Full <b>text</b></p>');
});

test('iTunes: author, summary, image, nested categories and keywords', () => {
  const f = parse(rss(`<title>Pod</title><itunes:author>Host</itunes:author><itunes:summary>About the show</itunes:summary>
    <itunes:image href="http://p.example/art.jpg"/><itunes:category text="Technology"><itunes:category text="Podcasting"/></itunes:category>
    <itunes:keywords>one, two</itunes:keywords>`,
  '<item><title>Ep 1</title><itunes:author>Guest</itunes:author><itunes:summary>Ep notes</itunes:summary></item>', ITUNES));
  assert.deepEqual(f.authors.map((a) => a.name), ['Host']);
  assert.equal(f.description, 'About the show');
  assert.equal(f.image?.url, 'http://p.example/art.jpg');
  assert.deepEqual(f.categories, ['Technology', 'Podcasting', 'one', 'two']);
  assert.deepEqual(f.items[0]!.authors.map((a) => a.name), ['Guest']);
  assert.equal(f.items[0]!.summary, 'Ep notes');
});

test('Media RSS: content, thumbnails and groups with captions and credits', () => {
  const it = rssItem(`<media:group><media:description>Group caption</media:description><media:credit>Ph. Otto</media:credit>
      <media:content url="http://m.example/big.jpg" type="image/jpeg"/><media:content url="http://m.example/small.jpg" medium="image"/></media:group>
    <media:thumbnail url="http://m.example/t.jpg"/><media:content url="http://m.example/v.mp4" type="video/mp4"><media:title>Clip</media:title></media:content>`, MEDIA);
  assert.deepEqual(it.media, [
    { url: 'http://m.example/big.jpg', type: 'image/jpeg', medium: 'image', caption: 'Group caption', credit: 'Ph. Otto' },
    { url: 'http://m.example/small.jpg', type: null, medium: 'image', caption: 'Group caption', credit: 'Ph. Otto' },
    { url: 'http://m.example/t.jpg', type: null, medium: 'image', caption: null, credit: null },
    { url: 'http://m.example/v.mp4', type: 'video/mp4', medium: null, caption: 'Clip', credit: null },
  ]);
});

test('Atom elements inside RSS stand in for the RSS ones (the Atom namespace is known anywhere)', () => {
  const A = 'xmlns:a="http://www.w3.org/2005/Atom"';
  const f = parse(rss('<a:title>Feed</a:title><a:subtitle>About</a:subtitle><a:rights>CC</a:rights>',
    '<item><a:id>tag:x,2025:1</a:id><a:author><a:name>Ann</a:name></a:author><a:category term="News"/></item>', A));
  assert.equal(f.title, 'Feed');
  assert.equal(f.description, 'About');
  assert.equal(f.rights, 'CC');
  assert.equal(f.items[0]!.id, 'tag:x,2025:1');
  assert.deepEqual(f.items[0]!.authors.map((p) => p.name), ['Ann']);
  assert.deepEqual(f.items[0]!.categories, ['News']);
});

test('feed language: the language element, else xml:lang of the document element; locale names become tags', () => {
  assert.equal(parse('<rss version="2.0" xml:lang="de_AT"><channel><title>t</title></channel></rss>').language, 'de-AT');
  assert.equal(parse('<rss version="2.0" xml:lang="de"><channel><language>fr</language></channel></rss>').language, 'fr');
  assert.equal(parse(atom('<title xml:lang="fr">t</title>', 'xml:lang="en"')).language, 'en');
  assert.equal(parse(atom('<title xml:lang="fr">t</title>')).language, null);
});

test('RSS 1.0: the image described beside the channel gives its title and link', () => {
  const f = parse(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
    <channel rdf:about="http://feeds.example/"><title>T</title><image rdf:resource="http://feeds.example/i.png"/></channel>
    <image rdf:about="http://feeds.example/i.png"><title>Logo</title><url>http://feeds.example/i.png</url><link>http://feeds.example/</link></image>
  </rdf:RDF>`);
  assert.deepEqual(f.image, { url: 'http://feeds.example/i.png', title: 'Logo', link: 'http://feeds.example/' });
});

test('an element in an unknown namespace does not stand in for a core one', () => {
  const it = rssItem('<title>Real</title><x:title>Other</x:title><x:link>http://x.example/</x:link><link>http://real.example/</link>',
    'xmlns:x="http://unknown.example/ns"');
  assert.equal(it.title, 'Real');
  assert.equal(it.link, 'http://real.example/');
});

test('elements in an unknown default namespace are read as the core ones', () => {
  const f = parse('<rss version="2.0" xmlns="http://rss.example/unknown/"><channel><title>T</title><link>http://l.example/</link><item><title>I</title></item></channel></rss>');
  assert.equal(f.format, 'rss20');
  assert.deepEqual([f.title, f.link, f.items[0]!.title], ['T', 'http://l.example/', 'I']);
  const a = parse('<feed xmlns="http://feeds.example/not-atom"><title>A</title><entry><id>1</id><title>E</title></entry></feed>');
  assert.equal(a.format, 'atom10');
  assert.deepEqual([a.title, a.items[0]!.title], ['A', 'E']);
});

// ---- dates ----

test('RFC 822 dates in the forms feeds use', () => {
  const cases: Array<[string, string | null]> = [
    ['Tue, 10 Jun 2025 04:00:00 GMT', '2025-06-10T04:00:00Z'],
    ['10 Jun 2025 04:00:00 +0000', '2025-06-10T04:00:00Z'],
    ['Tue, 10 Jun 25 04:00 EST', '2025-06-10T09:00:00Z'],
    ['Tue, 10 Jun 2025 04:00:00 PDT', '2025-06-10T11:00:00Z'],
    ['Tue, 10 Jun 2025 04:00:00 UT', '2025-06-10T04:00:00Z'],
    ['Tue, 10 Jun 2025 04:00:00 Z', '2025-06-10T04:00:00Z'],
    ['Tue, 1 Jul 2025 04:00:00 +0530', '2025-06-30T22:30:00Z'],
    ['tue, 10 jun 2025 04:00:00 -0930', '2025-06-10T13:30:00Z'],
    ['Tue, 10 June 2025 04:00:00 GMT', '2025-06-10T04:00:00Z'],
    ['Tue, 10 Jun 2025 04:00:00', '2025-06-10T04:00:00Z'],
  ];
  for (const [raw, want] of cases) {
    const it = rssItem(`<pubDate>${raw}</pubDate>`);
    assert.equal(it.published, want, raw);
  }
});

test('W3C-DTF dates, complete and reduced, with odd offsets', () => {
  const cases: Array<[string, string | null]> = [
    ['2025-06-10T04:00:00Z', '2025-06-10T04:00:00Z'],
    ['2025-06-10T04:00:00.75+01:00', '2025-06-10T03:00:00Z'],
    ['2025-06-10T04:00+05:45', '2025-06-09T22:15:00Z'],
    ['2025-06-10T04:00:00-03:30', '2025-06-10T07:30:00Z'],
    ['2025-06-10', '2025-06-10T00:00:00Z'],
    ['2025-06', '2025-06-01T00:00:00Z'],
    ['2025', '2025-01-01T00:00:00Z'],
    ['2025-02-30T00:00:00Z', null],
    ['not a date', null],
  ];
  for (const [raw, want] of cases) {
    const it = rssItem(`<dc:date>${raw}</dc:date>`, DC);
    assert.equal(it.published, want, raw);
  }
});

test('ISO 8601 reduced and ordinal dates, and zone names without S/D', () => {
  const cases: Array<[string, string | null]> = [
    ['-25-06', '2025-06-01T00:00:00Z'],
    ['-2506', '2025-06-01T00:00:00Z'],
    ['-25-06-10', '2025-06-10T00:00:00Z'],
    ['250610', '2025-06-10T00:00:00Z'],
    ['2025-161', '2025-06-10T00:00:00Z'],
    ['2024-366', '2024-12-31T00:00:00Z'],
    ['2025-366', null],
    ['25161', '2025-06-10T00:00:00Z'],
    ['Tue, 10 Jun 2025 04:00:00 ET', '2025-06-10T09:00:00Z'],
    ['Tue, 10 Jun 2025 04:00:00 PT', '2025-06-10T12:00:00Z'],
    ['Tue, 10 Jun 2025 04:00:00 CT', '2025-06-10T10:00:00Z'],
    ['Tue, 10 Jun 2025 04:00:00 MT', '2025-06-10T11:00:00Z'],
    ['Tue, 10 Jun 2025 04:00:00 AT', '2025-06-10T08:00:00Z'],
  ];
  for (const [raw, want] of cases) assert.equal(parseDate(raw), want, raw);
});

test('localized dates: Korean blog hosts (local time UTC+9), Greek and Hungarian month names', () => {
  const cases: Array<[string, string | null]> = [
    ['2025\uB144 06\uC6D4 10\uC77C 13:00:00', '2025-06-10T04:00:00Z'],
    ['2025-06-10 \uC624\uD6C4 01:00:00', '2025-06-10T04:00:00Z'],
    ['2025-06-10 \uC624\uC804 12:30:00', '2025-06-09T15:30:00Z'],
    ['\u03a4\u03c1\u03b9, 10 \u0399\u03bf\u03cd\u03bd 2025 04:00:00 GMT', '2025-06-10T04:00:00Z'],
    ['10 \u0399\u03bf\u03cd\u03bb 2025 04:00:00 +0300', '2025-07-10T01:00:00Z'],
    ['10 \u039c\u03b1\u0390\u03bf\u03c5 2025', '2025-05-10T00:00:00Z'],
    ['2025-j\u00fanius-10T4:00-05:00', '2025-06-10T09:00:00Z'],
    ['2025-m\u00e1rcius-3', '2025-03-03T00:00:00Z'],
    ['2025-nemh\u00f3nap-3', null],
  ];
  for (const [raw, want] of cases) assert.equal(parseDate(raw), want, raw);
});

test('bogus dates as feedparser documents them: a time past its range carries, RFC 822 days roll over', () => {
  const cases: Array<[string, string | null]> = [
    ['2025-06-10T24:30:00Z', '2025-06-11T00:30:00Z'],
    ['2025-06-10T10:60:05Z', '2025-06-10T11:00:05Z'],
    ['2025-06-10T10:30:75+02:00', '2025-06-10T08:31:15Z'],
    ['Mon, 31 Sep 2025 08:00:00 GMT', '2025-10-01T08:00:00Z'],
    ['31 Apr 2025', '2025-05-01T00:00:00Z'],
    ['2025-04-31T08:00:00Z', null],
    ['2025-13-01T08:00:00Z', null],
  ];
  for (const [raw, want] of cases) assert.equal(parseDate(raw), want, raw);
});

test('MS SQL timestamps are read as UTC like other zone-less times; Perforce dates keep their zone', () => {
  const cases: Array<[string, string | null]> = [
    ['2025-06-10 13:05:09.0', '2025-06-10T13:05:09Z'],
    ['2025-06-10 13:05:09', '2025-06-10T13:05:09Z'],
    ['2025-06-10T13:05:09', '2025-06-10T13:05:09Z'],
    ['Tue, 2025/06/10 04:05:09 EDT', '2025-06-10T08:05:09Z'],
    ['2025/06/10 04:05:09 +0200', '2025-06-10T02:05:09Z'],
  ];
  for (const [raw, want] of cases) assert.equal(parseDate(raw), want, raw);
});

test('a date element that does not parse does not hide a later one that does', () => {
  const it = atomEntry('<id>1</id><published>sometime</published><issued>2025-06-10T04:00:00Z</issued>');
  assert.equal(it.published, '2025-06-10T04:00:00Z');
});

// ---- encodings ----

function bytes(...parts: Array<string | number[]>): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') for (const b of Buffer.from(p, 'latin1')) out.push(b);
    else out.push(...p);
  }
  return Uint8Array.from(out);
}

test('the XML declaration names the encoding when HTTP does not', () => {
  const doc = bytes('<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Caf', [0xe9], '</title></channel></rss>');
  assert.equal(parse(doc).title, 'Café');
});

test('Windows-1252 bytes declared as ISO-8859-1 are read as Windows-1252', () => {
  const doc = bytes('<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>', [0x93], 'quoted', [0x94, 0x20, 0x80], '</title></channel></rss>');
  assert.equal(parse(doc).title, '\u201cquoted\u201d \u20ac');
});

test('a UTF-8 byte-order mark wins over a declaration', () => {
  const doc = bytes([0xef, 0xbb, 0xbf], '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>', [0xc3, 0xa9], '</title></channel></rss>');
  assert.equal(parse(doc).title, 'é');
});

test('UTF-16 with a byte-order mark', () => {
  const text = '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>Über</title></channel></rss>';
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  assert.equal(parse(new Uint8Array(le)).title, 'Über');
});

test('the XML declaration is read once, the same way for detection and the bozo checks: quotes of either kind, blanks around the label', () => {
  assert.equal(xmlDeclaredEncoding(`<?xml version='1.0' encoding=' ISO-8859-1 '?><rss/>`), 'ISO-8859-1');
  assert.equal(xmlDeclaredEncoding('\n <?xml version="1.0" encoding="utf-8"?>'), 'utf-8');
  assert.equal(xmlDeclaredEncoding('<?xml version="1.0"?><?other encoding="utf-8"?>'), null);
  assert.equal(xmlDeclaredEncoding('<rss><?xml version="1.0" encoding="utf-8"?>'), null);
  // A label with blanks around it names the encoding for decoding too (it was read as UTF-8, bozo).
  const f = parse(bytes('<?xml version="1.0" encoding=" iso-8859-1 "?><rss version="2.0"><channel><title>Caf', [0xe9], '</title></channel></rss>'));
  assert.deepEqual([f.title, f.bozo], ['Caf\u00e9', false]);
});

test('the HTTP charset wins over the XML declaration (RFC 3023)', () => {
  const doc = bytes('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>', [0xe9], 't', [0xe9], '</title></channel></rss>');
  assert.equal(parse(doc, 'application/rss+xml; charset=iso-8859-1').title, 'été');
});

test('bytes that are not valid in the declared UTF-8 still parse, and the feed is marked bozo', () => {
  const doc = bytes('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>caf', [0xe9], '</title></channel></rss>');
  const f = parse(doc);
  assert.equal(f.title, 'café');
  assert.equal(f.bozo, true);
});

function utf32(text: string, littleEndian: boolean, bom: boolean): Uint8Array {
  const cps = [...(bom ? '\uFEFF' : '') + text].map((c) => c.codePointAt(0)!);
  const out = Buffer.alloc(cps.length * 4);
  cps.forEach((cp, i) => (littleEndian ? out.writeUInt32LE(cp, i * 4) : out.writeUInt32BE(cp, i * 4)));
  return new Uint8Array(out);
}

test('a feed that names no encoding is UTF-8 (XML 1.0): other bytes are read as Windows-1252 and make it bozo', () => {
  const latin = parse(bytes('<rss version="2.0"><channel><title>Caf', [0xe9], ' ', [0x93], 'Noir', [0x94], '</title></channel></rss>'));
  assert.equal(latin.title, 'Café “Noir”');
  assert.equal(latin.bozo, true);
  const utf8 = parse(Uint8Array.from(Buffer.from('<rss version="2.0"><channel><title>Café</title></channel></rss>')));
  assert.equal(utf8.title, 'Café');
  assert.equal(utf8.bozo, false);
});

test('UTF-32 is recognised from its byte-order mark or from the first four bytes (XML Appendix F)', () => {
  const text = '<?xml version="1.0" encoding="utf-32"?><rss version="2.0"><channel><title>\u{1F4F0} Zeitung</title></channel></rss>';
  for (const le of [true, false]) {
    for (const bom of [true, false]) assert.equal(parse(utf32(text, le, bom)).title, '\u{1F4F0} Zeitung', `le=${le} bom=${bom}`);
  }
});

test('EBCDIC (code page 037) is recognised from the first four bytes', () => {
  const table = new Map<string, number>([['<', 0x4c], ['?', 0x6f], ['>', 0x6e], ['/', 0x61], ['=', 0x7e], ['"', 0x7f], [' ', 0x40], ['.', 0x4b], ['-', 0x60], ['0', 0xf0], ['1', 0xf1], ['2', 0xf2], ['3', 0xf3], ['7', 0xf7], ['\u00e9', 0x51]]);
  const letters = (from: string, to: number) => [...from].forEach((c, i) => table.set(c, to + i));
  letters('abcdefghi', 0x81); letters('jklmnopqr', 0x91); letters('stuvwxyz', 0xa2);
  const text = '<?xml version="1.0" encoding="cp037"?><rss version="2.0"><channel><title>caf\u00e9</title></channel></rss>';
  assert.equal(parse(Uint8Array.from([...text].map((c) => table.get(c)!))).title, 'caf\u00e9');
});

test('text/xml without a charset is US-ASCII (RFC 3023): other bytes make the feed bozo but are still read', () => {
  const doc = bytes('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>', [0xc3, 0xa9], '</title></channel></rss>');
  const f = parse(doc, 'text/xml');
  assert.equal(f.title, '\u00e9');
  assert.equal(f.bozo, true);
  assert.equal(parse(bytes('<rss version="2.0"><channel><title>ascii</title></channel></rss>'), 'text/xml').bozo, false);
  assert.equal(parse(doc, 'application/xml').bozo, false);
});

test('a feed served with a media type that is not XML is read and marked bozo', () => {
  const f = parse(bytes('<rss version="2.0"><channel><title>plain</title></channel></rss>'), 'text/plain');
  assert.equal(f.title, 'plain');
  assert.equal(f.bozo, true);
});

test('an encoding no decoder knows is reported, and the feed read as UTF-8', () => {
  const f = parse(bytes('<?xml version="1.0" encoding="x-no-such-thing"?><rss version="2.0"><channel><title>ok</title></channel></rss>'));
  assert.equal(f.title, 'ok');
  assert.equal(f.bozo, true);
});

test('UTF-8 that was read as Latin-1 or Windows-1252 and encoded again is repaired in a UTF-8 feed', () => {
  // "…" is E2 80 A6 in UTF-8; read byte by byte it is "â", U+0080 (or "€" in 1252) and "¦".
  assert.equal(rssItem('<description>&#226;&#128;&#166;</description>').summary, '\u2026');
  assert.equal(rssItem('<title>Caf\u00c3\u00a9 \u00e2\u20ac\u0153ok\u00e2\u20ac\u009d</title>').title, 'Caf\u00e9 \u201cok\u201d');
  // Real Latin-1 text is not valid UTF-8 once encoded back, and text beyond one byte per
  // character cannot be double-encoded UTF-8: both stay as they are.
  assert.equal(rssItem('<title>caf\u00e9 cr\u00e8me</title>').title, 'caf\u00e9 cr\u00e8me');
  assert.equal(rssItem('<title>\u00c3\u00a9 \u4e2d</title>').title, '\u00c3\u00a9 \u4e2d');
  // The same from the bytes of a fetched feed.
  assert.equal(parse(Buffer.from(rss('<title>Caf\u00c3\u00a9</title>'), 'utf8')).title, 'Caf\u00e9');
  // A feed in a legacy encoding means its characters as they are.
  const latin1 = parse(Buffer.from(rss('<title>\u00c3\u00a9</title><description>caf\u00e9</description>').replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="iso-8859-1"?>'), 'latin1'));
  assert.equal(latin1.title, '\u00c3\u00a9');
});

// ---- relative URIs ----

test('relative links resolve against the document URL', () => {
  const f = parse(rss('<title>t</title><link>/home</link>', '<item><link>posts/1</link><comments>posts/1#c</comments><enclosure url="a.mp3" type="audio/mpeg"/></item>'));
  assert.equal(f.link, 'http://feeds.example/home');
  assert.equal(f.items[0]!.link, 'http://feeds.example/blog/posts/1');
  assert.equal(f.items[0]!.comments, 'http://feeds.example/blog/posts/1#c');
  assert.equal(f.items[0]!.enclosures[0]!.url, 'http://feeds.example/blog/a.mp3');
});

test('xml:base nests: the entry base resolves against the feed base', () => {
  const f = parse(atom(`<title>t</title><link href="index.html"/>
    <entry xml:base="posts/"><id>1</id><link href="one.html"/>
      <content type="html" xml:base="/media/">&lt;img src="pic.png"&gt; &lt;a href="../about"&gt;about&lt;/a&gt;</content></entry>`, 'xml:base="http://base.example/blog/"'));
  assert.equal(f.link, 'http://base.example/blog/index.html');
  assert.equal(f.items[0]!.link, 'http://base.example/blog/posts/one.html');
  assert.equal(f.items[0]!.content, '<img src="http://base.example/media/pic.png"> <a href="http://base.example/about">about</a>');
});

test('relative links inside RSS HTML resolve against the document URL', () => {
  const it = rssItem('<description>&lt;a href="/x"&gt;x&lt;/a&gt; &lt;img src="i.png" srcset="i2.png 2x"&gt;</description>');
  assert.equal(it.summary, '<a href="http://feeds.example/x">x</a> <img src="http://feeds.example/blog/i.png" srcset="http://feeds.example/blog/i2.png 2x">');
});

test('xml:base on an RSS item applies to its link and HTML', () => {
  const it = rssItem('<link>p/2</link><description>&lt;a href="q"&gt;q&lt;/a&gt;</description>'.replace('<link>', '<link>'), '');
  assert.equal(it.link, 'http://feeds.example/blog/p/2');
  const f = parse(`<rss version="2.0" xml:base="http://other.example/dir/"><channel><title>t</title><item><link>p/2</link></item></channel></rss>`);
  assert.equal(f.items[0]!.link, 'http://other.example/dir/p/2');
});

test('a relative link with non-ASCII characters keeps them as written once resolved (an IRI)', () => {
  const it = rssItem('<description>&lt;a href="caf&#233;/&#192;?q=&#252;"&gt;x&lt;/a&gt; &lt;a href="%C3%80"&gt;y&lt;/a&gt;</description>');
  assert.equal(it.summary, '<a href="http://feeds.example/blog/caf\u00e9/\u00c0?q=\u00fc">x</a> <a href="http://feeds.example/blog/%C3%80">y</a>');
});

// ---- content types and HTML in text ----

test('Atom text constructs: text is escaped, html is markup, xhtml loses its wrapper div', () => {
  const e = atomEntry(`<id>1</id><title type="text">AT&amp;T &lt;b&gt;</title>
    <summary type="text">1 &lt; 2</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi <b>there</b></p></div></content>`);
  assert.equal(e.title, 'AT&T <b>');
  assert.equal(e.summary, '1 &lt; 2');
  assert.equal(e.content, '<p>Hi <b>there</b></p>');
});

test('Atom html titles become plain text', () => {
  const e = atomEntry('<id>1</id><title type="html">&lt;b&gt;Bold&lt;/b&gt; &amp;amp; more</title>');
  assert.equal(e.title, 'Bold & more');
});

test('Atom content with a MIME type: text/plain escaped, text/html markup', () => {
  const a = atomEntry('<id>1</id><content type="text/plain">a &lt;tag&gt;</content>');
  assert.equal(a.content, 'a &lt;tag&gt;');
  const b = atomEntry('<id>1</id><content type="text/html">&lt;i&gt;x&lt;/i&gt;</content>');
  assert.equal(b.content, '<i>x</i>');
});

test('RSS titles with markup or entities become plain text', () => {
  assert.equal(rssItem('<title><![CDATA[Tom &amp; <i>Jerry</i>]]></title>').title, 'Tom & Jerry');
  assert.equal(rssItem('<title>Caf&#233; &#x2014; menu</title>').title, 'Café — menu');
});

test('RSS descriptions given as plain text keep their characters', () => {
  assert.equal(rssItem('<description>Fish &amp; chips</description>').summary, 'Fish &amp; chips');
});

test('inline XHTML in an RSS body element is the content', () => {
  const it = rssItem('<xhtml:body xmlns:xhtml="http://www.w3.org/1999/xhtml"><xhtml:p>Inline <xhtml:b>x</xhtml:b></xhtml:p></xhtml:body>');
  assert.equal(it.content, '<p>Inline <b>x</b></p>');
});

test('XHTML content is rewritten so that an HTML parser builds the same tree', () => {
  const e = atomEntry(`<id>1</id><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">a<br/>b<a name="x"/>c<br></br>d<object data="x.swf"/> after<p/>end</div></content>`);
  assert.equal(e.content, 'a<br>b<a></a>c<br>d after<p></p>end');
});

test('inline SVG and MathML in XHTML content survive, with their namespaces', () => {
  const e = atomEntry(`<id>1</id><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">
    <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="4" fill="red"/></svg>
    <math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi><mo>=</mo><mn>2</mn></math></div></content>`);
  assert.match(e.content!, /<svg width="10" height="10" xmlns="http:\/\/www\.w3\.org\/2000\/svg"><circle cx="5" cy="5" r="4" fill="red"><\/circle><\/svg>/);
  assert.match(e.content!, /<math xmlns="http:\/\/www\.w3\.org\/1998\/Math\/MathML"><mi>x<\/mi><mo>=<\/mo><mn>2<\/mn><\/math>/);
});

test('SVG escaped inside RSS HTML survives with its title; empty SVG elements stay self-closing', () => {
  const it = rssItem('<description>&lt;svg xmlns="http://www.w3.org/2000/svg" width="30"&gt;&lt;title&gt;dot&lt;/title&gt;&lt;circle r="5"/&gt;&lt;/svg&gt;</description>');
  assert.equal(it.summary, '<svg width="30" xmlns="http://www.w3.org/2000/svg"><title>dot</title><circle r="5"/></svg>');
});

test('HTML content is sanitized: scripts, handlers and javascript: links go', () => {
  const it = rssItem('<description>&lt;p onclick="x()"&gt;ok&lt;script&gt;alert(1)&lt;/script&gt;&lt;a href="javascript:alert(1)"&gt;l&lt;/a&gt;&lt;/p&gt;</description>');
  assert.equal(it.summary, '<p>ok<a>l</a></p>');
});

// ---- duplicated and conflicting elements ----

test('RSS link beats a permalink guid; a guid that is no permalink is no link', () => {
  assert.equal(rssItem('<guid>http://g.example/1</guid><link>http://l.example/1</link>').link, 'http://l.example/1');
  assert.equal(rssItem('<guid>http://g.example/1</guid>').link, 'http://g.example/1');
  assert.equal(rssItem('<guid isPermaLink="false">http://g.example/1</guid>').link, null);
  // Only "true" (or no attribute) makes a permalink, as feedparser reads the attribute.
  assert.equal(rssItem('<guid isPermaLink="maybe">http://g.example/1</guid>').link, null);
  assert.equal(rssItem('<guid isPermaLink="true">http://g.example/1</guid>').link, 'http://g.example/1');
  // The value is compared as written: "True" is not "true".
  assert.equal(rssItem('<guid isPermaLink="True">http://g.example/1</guid>').link, null);
  assert.equal(rssItem('<guid isPermaLink="True">http://g.example/1</guid>').id, 'http://g.example/1');
});

test('RSS <link> and Atom alternate HTML links in an item or channel: the last in document order wins', () => {
  assert.equal(rssItem('<link>http://l.example/rss</link><atom:link rel="alternate" href="http://l.example/atom"/>', ATOM_NS).link, 'http://l.example/atom');
  assert.equal(rssItem('<atom:link href="http://l.example/atom" type="text/html"/><link>http://l.example/rss</link>', ATOM_NS).link, 'http://l.example/rss');
  // An alternate of another type is not the page while a page link stands beside it.
  assert.equal(rssItem('<link>http://l.example/rss</link><atom:link rel="alternate" type="application/rss+xml" href="http://l.example/feed"/>', ATOM_NS).link, 'http://l.example/rss');
  assert.equal(rssItem('<atom:link rel="alternate" type="application/rss+xml" href="http://l.example/feed"/>', ATOM_NS).link, 'http://l.example/feed');
  assert.equal(rssItem('<link>http://l.example/rss</link><atom:link rel="related" href="http://l.example/rel"/>', ATOM_NS).link, 'http://l.example/rss');
  // An empty <link> after an Atom link leaves the Atom link standing.
  assert.equal(rssItem('<atom:link href="http://l.example/atom"/><link></link>', ATOM_NS).link, 'http://l.example/atom');
  assert.equal(parse(rss('<title>t</title><link>http://l.example/home</link><atom:link rel="alternate" type="html" href="/other"/>', '', ATOM_NS)).link, 'http://feeds.example/other');
});

test('an Atom enclosure link inside an RSS item is an enclosure, in document order', () => {
  const it = rssItem('<enclosure url="/a.mp3" type="audio/mpeg" length="1"/><atom:link rel="enclosure" href="/b.ogg" type="audio/ogg" length="2"/><atom:link rel="related" href="/c"/><enclosure url=""/>',
    ATOM_NS);
  assert.deepEqual(it.enclosures, [
    { url: 'http://feeds.example/a.mp3', type: 'audio/mpeg', length: 1 },
    { url: 'http://feeds.example/b.ogg', type: 'audio/ogg', length: 2 },
  ]);
});

test('Atom: the alternate HTML link is the entry link, whatever order the links come in', () => {
  const e = atomEntry(`<id>1</id><link rel="self" href="http://a.example/self"/><link rel="alternate" type="application/pdf" href="http://a.example/1.pdf"/>
    <link rel="alternate" type="text/html" href="http://a.example/1.html"/><link rel="enclosure" href="http://a.example/1.mp3"/>`);
  assert.equal(e.link, 'http://a.example/1.html');
});

test('an alternate link\'s type is HTML whatever its case or parameters, in Atom and in RSS alike', () => {
  const types = ['text/html; charset=utf-8', 'TEXT/HTML', 'Application/XHTML+XML;charset=UTF-8', 'html'];
  for (const type of types) {
    const links = `<link rel="alternate" type="application/pdf" href="http://a.example/1.pdf"/><link rel="alternate" type="${type}" href="http://a.example/page"/>`;
    assert.equal(atomEntry(`<id>1</id>${links}`).link, 'http://a.example/page', `Atom, ${type}`);
    assert.equal(rssItem(links.replaceAll('<link', '<atom:link'), ATOM_NS).link, 'http://a.example/page', `RSS, ${type}`);
  }
  const pageBeforePdf = '<link rel="alternate" type="text/html;charset=utf-8" href="http://a.example/page"/><link rel="alternate" type="application/pdf" href="http://a.example/1.pdf"/>';
  assert.equal(rssItem(`<link>http://a.example/rss</link>${pageBeforePdf.replaceAll('<link', '<atom:link')}`, ATOM_NS).link, 'http://a.example/page');
  const replies = atomEntry('<id>1</id><link rel="replies" type="application/atom+xml" href="http://a.example/c.xml"/><link rel="replies" type="Text/HTML; charset=utf-8" href="http://a.example/c"/>');
  assert.equal(replies.comments, 'http://a.example/c');
});

test('Atom: a link without rel is an alternate link', () => {
  assert.equal(atomEntry('<id>1</id><link href="http://a.example/x"/>').link, 'http://a.example/x');
});

test('when a date element is repeated, the last one counts', () => {
  const it = rssItem('<pubDate>Mon, 09 Jun 2025 00:00:00 GMT</pubDate><pubDate>Tue, 10 Jun 2025 00:00:00 GMT</pubDate>');
  assert.equal(it.published, '2025-06-10T00:00:00Z');
});

test('when any single-valued element is repeated, the last one counts; a title is the first one with text', () => {
  // feedparser overwrites a field at each end tag, except the title: once one has text, a
  // later title (or dc:title) at the same level is not stored.
  const it = rssItem('<title></title><title>first</title><title>second</title><link>http://l.example/1</link><link>http://l.example/2</link><guid>a</guid><guid>b</guid><comments>http://c.example/1</comments><comments>http://c.example/2</comments><dc:title>dc</dc:title>', DC);
  assert.deepEqual([it.title, it.link, it.id, it.comments], ['first', 'http://l.example/2', 'b', 'http://c.example/2']);
  const f = parse(rss('<title>one</title><title>two</title><link>http://a.example/</link><link>http://b.example/</link><ttl>5</ttl><ttl>10</ttl>'));
  assert.deepEqual([f.title, f.link, f.ttl], ['one', 'http://b.example/', 10]);
  const e = atomEntry('<id>1</id><id>2</id><title>x</title><title>y</title>');
  assert.deepEqual([e.id, e.title], ['2', 'x']);
});

test('a second summary-like element is the content only when the item has no content element; the last one is the summary', () => {
  // reference-entry-summary: "the first element will be available in summary and the second in content[0]".
  const two = rssItem('<description>Desc</description><itunes:summary>iTunes</itunes:summary>', ITUNES);
  assert.deepEqual([two.summary, two.content], ['Desc', 'iTunes']);
  const after = rssItem('<content:encoded>Full</content:encoded><description>Desc</description><itunes:summary>iTunes</itunes:summary>', `${CONTENT} ${ITUNES}`);
  assert.deepEqual([after.summary, after.content], ['iTunes', 'Full']);
  const before = rssItem('<description>Desc</description><itunes:summary>iTunes</itunes:summary><content:encoded>Full</content:encoded>', `${CONTENT} ${ITUNES}`);
  // The full text wins over a summary promoted before it came, wherever it stands.
  assert.deepEqual([before.summary, before.content], ['iTunes', 'Full']);
  const three = rssItem('<description>Desc</description><itunes:summary>iTunes</itunes:summary><description>Again</description>', ITUNES);
  assert.deepEqual([three.summary, three.content], ['Again', 'iTunes']);
  const e = atomEntry('<id>1</id><summary>s1</summary><summary>s2</summary>');
  assert.deepEqual([e.summary, e.content], ['s1', 's2']);
  const atomFull = atomEntry('<id>1</id><summary>s1</summary><summary>s2</summary><content>Full text</content>');
  assert.deepEqual([atomFull.summary, atomFull.content], ['s2', 'Full text']);
});

test('an Atom entry with both summary and content keeps both', () => {
  const e = atomEntry('<id>1</id><summary>short</summary><content type="html">&lt;p&gt;long&lt;/p&gt;</content>');
  assert.equal(e.summary, 'short');
  assert.equal(e.content, '<p>long</p>');
});

test('the same author given twice is listed once', () => {
  const it = rssItem('<author>a@x.example (Ann)</author><dc:creator>a@x.example (Ann)</dc:creator>', DC);
  assert.equal(it.authors.length, 1);
});

test('an author string: the e-mail address is found wherever it stands, the rest is the name', () => {
  const person = (raw: string) => rssItem(`<author>${raw}</author>`).authors[0];
  assert.deepEqual(person('Ann Lee (ann+news@x.example)'), { name: 'Ann Lee', email: 'ann+news@x.example', url: null });
  assert.deepEqual(person('ann@x.example (Ann Lee)'), { name: 'Ann Lee', email: 'ann@x.example', url: null });
  assert.deepEqual(person('Ann Lee &lt;ann@x.example&gt;'), { name: 'Ann Lee', email: 'ann@x.example', url: null });
  assert.deepEqual(person('ann@x.example Ann Lee'), { name: 'Ann Lee', email: 'ann@x.example', url: null });
  assert.deepEqual(person('Ann Lee (mailto:ann@x.example)'), { name: 'Ann Lee', email: 'ann@x.example', url: null });
  assert.deepEqual(person('ann@x.example.'), { name: null, email: 'ann@x.example', url: null });
  assert.deepEqual(person('Ann @ the desk'), { name: 'Ann @ the desk', email: null, url: null });
});

test('an Atom author inside RSS keeps its e-mail address and URI', () => {
  const A = 'xmlns:a="http://www.w3.org/2005/Atom"';
  const it = rssItem('<a:author><a:name>Ann</a:name><a:email>ann@x.example</a:email><a:uri>/ann</a:uri></a:author>', A);
  assert.deepEqual(it.authors, [{ name: 'Ann', email: 'ann@x.example', url: 'http://feeds.example/ann' }]);
});

test('a CDATA section escaped once more keeps its text (feedparser #440), in HTML as markup the sanitizer judges', () => {
  const desc = '&lt;![CDATA[a &lt;b&gt;bold&lt;/b&gt; tag &lt;script&gt;x()&lt;/script&gt;]]&gt;';
  const it = rssItem(`<title>&lt;![CDATA[Ferry &amp; port]]&gt;</title><description>${desc}</description>`);
  assert.equal(it.title, 'Ferry & port');
  assert.equal(it.summary, 'a <b>bold</b> tag');
});

test('an Atom link without href is no link and does not hide the next one', () => {
  const it = atomEntry('<id>1</id><link rel="alternate" type="text/html"/><link href="/post/1"/>');
  assert.equal(it.link, 'http://feeds.example/post/1');
});

test('Middle European zone names: MET and MEST', () => {
  assert.equal(parseDate('Tue, 10 Jun 2025 04:00:00 MEST'), '2025-06-10T02:00:00Z');
  assert.equal(parseDate('Tue, 10 Dec 2025 04:00:00 MET'), '2025-12-10T03:00:00Z');
});

// ---- damage and bozo ----

test('a feed that is not well-formed still yields its items, marked bozo', () => {
  const f = parse('<rss version="2.0"><channel><title>t &nbsp; &bogus; x</title><item><title>one</title></item><item><title>two</title></channel></rss>');
  assert.equal(f.bozo, true);
  assert.deepEqual(f.items.map((i) => i.title), ['one', 'two']);
});

test('a character XML forbids (a C0 control) makes the feed bozo, and the feed is still read', () => {
  const f = parse(rss('<title>Bell \u0007 here</title>', '<item><title>one</title></item>'));
  assert.equal(f.bozo, true);
  assert.match(f.bozoReason ?? '', /U\+0007/);
  assert.deepEqual(f.items.map((i) => i.title), ['one']);
  assert.equal(parse(rss('<title>Tab\there</title>')).bozo, false);
});

test('a reference to a character XML forbids (&#0;) makes the feed bozo; other references do not', () => {
  for (const ref of ['&#0;', '&#x0;', '&#xFFFE;', '&#27;']) {
    const f = parse(rss(`<title>a${ref}b</title>`, '<item><title>one</title></item>'));
    assert.equal(f.bozo, true, ref);
    assert.match(f.bozoReason ?? '', /forbids/);
    assert.deepEqual(f.items.map((i) => i.title), ['one']);
  }
  const ok = parse(rss('<title>a&#65;&#x9;&#x1F600;b</title>'));
  assert.equal(ok.bozo, false);
  assert.equal(ok.title, 'aA \u{1F600}b');
});

test('"--" inside a comment makes the feed bozo; an ordinary or empty comment does not', () => {
  const f = parse(rss('<title>t</title><!-- one -- two -->', '<item><title>one</title></item>'));
  assert.equal(f.bozo, true);
  assert.match(f.bozoReason ?? '', /comment/);
  assert.equal(f.items.length, 1);
  assert.equal(parse(rss('<title>t</title><!-- ends in three dashes --->')).bozo, true);
  assert.equal(parse(rss('<title>t</title><!-- a - b --><!---->')).bozo, false);
});

test('HTML named entities in XML text are decoded (feeds use them undeclared)', () => {
  assert.equal(rssItem('<title>caf&eacute; &mdash; &hellip;</title>').title, 'café — …');
});

test('a document that is not a feed is refused', () => {
  assert.throws(() => parseFeed('<html><body>hi</body></html>', { url: URL }), /not a feed/);
  assert.throws(() => parseFeed('{"hello": 1', { url: URL }), /JSON/);
});

// ---- XML attacks: bounded in time and memory ----

test('entity expansion (billion laughs) is not expanded', () => {
  const lol = '<!DOCTYPE r [<!ENTITY a "lollollollollollollollollollol">' +
    Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('') + ']>';
  const f = parseFeed(`${lol}<rss version="2.0"><channel><title>&j;</title><item><title>&j;&j;</title></item></channel></rss>`, { url: URL });
  assert.ok((f.title ?? '').length < 1000);
  assert.ok((f.items[0]!.title ?? '').length < 1000);
});

test('an internal entity with a plain value is used', () => {
  const f = parse('<!DOCTYPE rss [<!ENTITY who "Tidings">]><rss version="2.0"><channel><title>By &who;</title></channel></rss>');
  assert.equal(f.title, 'By Tidings');
});

test('external entities are never loaded', () => {
  const f = parse('<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY web SYSTEM "http://127.0.0.1:1/x">]><rss version="2.0"><channel><title>a&xxe;b&web;c</title></channel></rss>');
  assert.ok(!/root:/.test(f.title ?? ''));
  assert.match(f.title ?? '', /^a.*b.*c$/);
});

test('deep nesting neither overflows the stack nor keeps the text out', () => {
  const depth = 100_000;
  const f = parse(`<rss version="2.0"><channel><title>t</title><item><title>deep</title><description>${'<div>'.repeat(depth)}x${'</div>'.repeat(depth)}</description></item></channel></rss>`);
  assert.equal(f.items[0]!.title, 'deep');
  assert.ok(f.items[0]!.summary === null || f.items[0]!.summary.includes('x'));
  const g = parse(`<rss version="2.0"><channel><title>t</title><item><title>open</title>${'<x>'.repeat(depth)}</item></channel></rss>`);
  assert.equal(g.items[0]!.title, 'open');
});

test('huge attributes and many of them are read once', () => {
  const big = 'a'.repeat(5_000_000);
  const attrs = Array.from({ length: 20_000 }, (_, i) => `a${i}="v"`).join(' ');
  const f = parse(`<rss version="2.0"><channel><title>t</title><item ${attrs}><title x="${big}">ok</title><enclosure url="http://e.example/${big.slice(0, 100)}" type="${big}"/></item></channel></rss>`);
  assert.equal(f.items[0]!.title, 'ok');
});

test('a huge title is capped', () => {
  const f = parse(rss(`<title>${'word '.repeat(200_000)}</title>`));
  assert.ok(f.title!.length <= 1000);
});

// ---- content normalization, links and namespaces (feedparser reference documentation) ----

test('an RSS title is plain text unless it looks like HTML: a closing tag or an entity, known elements only', () => {
  const title = (t: string) => rssItem(`<title>${t}</title>`).title;
  assert.equal(title('The &lt;blink&gt; tag'), 'The <blink> tag');
  assert.equal(title('<![CDATA[Why x<y and y>z]]>'), 'Why x<y and y>z');
  assert.equal(title('<![CDATA[Using <canvas> and <video>]]>'), 'Using <canvas> and <video>');
  assert.equal(title('&lt;b&gt;Bold&lt;/b&gt; news'), 'Bold news');
  assert.equal(title('Q&amp;amp;A'), 'Q&A');
  assert.equal(title('&lt;made-up&gt;x&lt;/made-up&gt;'), '<made-up>x</made-up>');
  assert.equal(title('&lt;script&gt;x()&lt;/script&gt;Quay &amp;amp; tide'), 'Quay & tide');
  assert.equal(title('&lt;p&gt;Using &lt;blink&gt;&lt;/p&gt;'), '<p>Using <blink></p>');
  assert.equal(title('a &amp;notanentity; b'), 'a &notanentity; b');
});

test('the channel title and copyright are guessed the same way; an RSS description is HTML', () => {
  const f = parse(rss('<title>&lt;T&gt; in generics</title><copyright>&lt;b&gt;©&lt;/b&gt; 2025</copyright><description>&lt;T&gt; in generics</description>'));
  assert.equal(f.title, '<T> in generics');
  assert.equal(f.rights, '© 2025');
  assert.equal(f.description, 'in generics');
});

test('an Atom text construct is never guessed: type="text" keeps angle brackets and entities', () => {
  const e = atomEntry('<id>1</id><title type="text">&lt;b&gt;not bold&lt;/b&gt; &amp;amp;</title>');
  assert.equal(e.title, '<b>not bold</b> &amp;');
});

test('Atom: of two alternate HTML links the last one is the link; an alternate of another type only stands in', () => {
  const f = parse(atom(`<title>t</title><link rel="alternate" type="text/html" hreflang="en" href="/en/"/>
    <link rel="alternate" type="text/html" hreflang="fr" href="/fr/"/>
    <entry><id>1</id><link href="/en/1"/><link rel="alternate" type="application/xhtml+xml" href="/x/1"/>
      <link rel="alternate" type="application/atom+xml" href="/1.atom"/></entry>
    <entry><id>2</id><link rel="alternate" type="application/atom+xml" href="/2.atom"/></entry>`));
  assert.equal(f.link, 'http://feeds.example/fr/');
  assert.equal(f.items[0]!.link, 'http://feeds.example/x/1');
  assert.equal(f.items[1]!.link, 'http://feeds.example/2.atom');
});

test('xml:base applies to the iTunes image, the RSS 1.0 image resource and CDF HREF attributes', () => {
  const it = parse(`<rss version="2.0" ${ITUNES}><channel xml:base="http://b.example/show/"><title>t</title><itunes:image href="art.jpg"/></channel></rss>`);
  assert.equal(it.image?.url, 'http://b.example/show/art.jpg');
  const rdf = parse(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xml:base="http://r.example/site/">
    <channel rdf:about="http://r.example/"><title>t</title><link>/</link><image rdf:resource="logo.png"/></channel></rdf:RDF>`);
  assert.equal(rdf.image?.url, 'http://r.example/site/logo.png');
  const cdf = parse('<CHANNEL HREF="home.html" xml:base="http://c.example/dir/"><TITLE>t</TITLE><ITEM HREF="a.html"><TITLE>a</TITLE></ITEM></CHANNEL>');
  assert.equal(cdf.link, 'http://c.example/dir/home.html');
  assert.equal(cdf.items[0]!.link, 'http://c.example/dir/a.html');
});

test('Media RSS: media:keywords are categories, split at commas; a media:group\'s categories are the item\'s', () => {
  const it = rssItem(`<title>v</title><category>News</category><media:keywords>kitty, cat , ,big dog</media:keywords>
    <media:group><media:category>Animals</media:category><media:keywords>news,pets</media:keywords></media:group>`, MEDIA);
  assert.deepEqual(it.categories, ['News', 'Animals', 'kitty', 'cat', 'big dog', 'news', 'pets']);
  const e = atomEntry('<id>1</id><media:keywords>a,b</media:keywords>', MEDIA);
  assert.deepEqual(e.categories, ['a', 'b']);
});

test('US-ASCII declared over bytes beyond ASCII: the declaration is overridden and the feed is bozo', () => {
  const declared = parse(Uint8Array.from(Buffer.from('<?xml version="1.0" encoding="us-ascii"?><rss version="2.0"><channel><title>Café</title></channel></rss>')));
  assert.equal(declared.title, 'Café');
  assert.equal(declared.bozo, true);
  const http = parse(bytes('<rss version="2.0"><channel><title>Caf', [0xe9], '</title></channel></rss>'), 'application/rss+xml; charset="US-ASCII"');
  assert.equal(http.title, 'Café');
  assert.equal(http.bozo, true);
  const ascii = parse(Uint8Array.from(Buffer.from('<?xml version="1.0" encoding="ascii"?><rss version="2.0"><channel><title>Cafe</title></channel></rss>')));
  assert.equal(ascii.bozo, false);
});

test('entry id: guid, else atom:id, else rdf:about; an empty guid hides none of them; no id is null, never the link', () => {
  assert.equal(rssItem('<atom:id>tag:a.example,2025:1</atom:id><link>http://a.example/1</link>', ATOM_NS).id, 'tag:a.example,2025:1');
  assert.equal(rssItem('<guid> </guid><atom:id>tag:a.example,2025:2</atom:id>', ATOM_NS).id, 'tag:a.example,2025:2');
  const rdf = parse(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
    <channel rdf:about="http://r.example/"><title>t</title></channel>
    <item rdf:about="http://r.example/1"><guid></guid><title>One</title></item></rdf:RDF>`);
  assert.equal(rdf.items[0]!.id, 'http://r.example/1');
  assert.equal(rssItem('<title>no id</title><link>http://a.example/3</link>').id, null);
  assert.equal(atomEntry('<title>no id</title><link href="http://a.example/4"/>').id, null);
});

test('media:description is the summary only of an item with no summary or content of its own', () => {
  const MEDIA_ATOM = 'xmlns:media="http://search.yahoo.com/mrss/"';
  const e = atomEntry('<id>v1</id><title>Video</title><media:group><media:title>Video</media:title><media:description>What the video shows &amp; more</media:description></media:group>', MEDIA_ATOM);
  assert.equal(e.summary, 'What the video shows &amp; more');
  assert.equal(e.content, null);
  const it = rssItem('<description>Text</description><media:content url="http://m.example/p.jpg"><media:description>Caption</media:description></media:content>', MEDIA);
  assert.deepEqual([it.summary, it.content], ['Text', null]);
  assert.equal(it.media[0]!.caption, 'Caption');
});

test('an item-level itunes:image is the episode artwork: an image of the item, never the feed image', () => {
  const f = parse(rss('<title>Pod</title>', '<item><title>Ep</title><itunes:image href="art/ep1.jpg"/></item>', ITUNES));
  assert.equal(f.image, null);
  assert.deepEqual(f.items[0]!.media, [{ url: 'http://feeds.example/blog/art/ep1.jpg', type: null, medium: 'image', caption: null, credit: null }]);
  // Of several the last with an address counts; an empty href is none.
  const several = rssItem('<itunes:image href="art/small.jpg"/><itunes:image href="art/large.jpg"/><itunes:image href=""/>', ITUNES);
  assert.deepEqual(several.media.map((m) => m.url), ['http://feeds.example/blog/art/large.jpg']);
});

test('feed description: itunes:subtitle (a subtitle to feedparser) comes before itunes:summary', () => {
  const f = parse(rss('<title>Pod</title><itunes:summary>Long summary</itunes:summary><itunes:subtitle>Short subtitle</itunes:subtitle>', '', ITUNES));
  assert.equal(f.description, 'Short subtitle');
  assert.equal(parse(rss('<title>Pod</title><itunes:summary>Long summary</itunes:summary>', '', ITUNES)).description, 'Long summary');
});

test('a link-like element gives its address as url, uri or href: enclosure href, Atom link url, thumbnail text', () => {
  const it = rssItem('<enclosure href="ep1.mp3" type="audio/mpeg" length="5"/><media:thumbnail>thumbs/1.jpg</media:thumbnail>', MEDIA);
  assert.deepEqual(it.enclosures, [{ url: 'http://feeds.example/blog/ep1.mp3', type: 'audio/mpeg', length: 5 }]);
  assert.equal(it.media[0]!.url, 'http://feeds.example/blog/thumbs/1.jpg');
  assert.equal(atomEntry('<id>1</id><link rel="alternate" url="/posts/1"/>').link, 'http://feeds.example/posts/1');
  assert.equal(atomEntry('<id>1</id><link rel="enclosure" uri="/a.mp3"/>').enclosures[0]!.url, 'http://feeds.example/a.mp3');
});

test('Atom XHTML content: the wrapping div is dropped only when nothing but white space stands beside it', () => {
  const XHTML = 'xmlns:x="http://www.w3.org/1999/xhtml"';
  assert.equal(atomEntry(`<id>1</id><content type="xhtml"> <x:div><x:b>only</x:b></x:div> </content>`, XHTML).content, '<b>only</b>');
  assert.equal(atomEntry(`<id>1</id><content type="xhtml">Lead <x:div><x:b>x</x:b></x:div> tail</content>`, XHTML).content, 'Lead <div><b>x</b></div> tail');
});

test('xml:base inside XHTML content: the base of the content element resolves the whole markup, as feedparser documents', () => {
  const XHTML = 'xmlns:x="http://www.w3.org/1999/xhtml"';
  const e = atomEntry(`<id>1</id><content type="xhtml" xml:base="http://a.example/c/"><x:div xml:base="inner/"><x:a href="p.html">p</x:a></x:div></content>`, XHTML);
  assert.equal(e.content, '<a href="http://a.example/c/p.html">p</a>');
});

test('title precedence: the first title or dc:title with text, in document order; media:title only stands in, and never from inside media:content', () => {
  assert.equal(rssItem('<dc:title>DC</dc:title><title>Core</title>', DC).title, 'DC');
  assert.equal(rssItem('<title>Core</title><dc:title>DC</dc:title>', DC).title, 'Core');
  assert.equal(rssItem('<title> </title><dc:title>DC</dc:title>', DC).title, 'DC');
  assert.equal(rssItem('<dc:title>DC</dc:title>', DC).title, 'DC');
  assert.equal(rssItem('<title>Core</title><media:title>Media</media:title>', MEDIA).title, 'Core');
  assert.equal(rssItem('<media:title>Media</media:title><title>Core</title>', MEDIA).title, 'Core');
  assert.equal(rssItem('<media:title>Media</media:title>', MEDIA).title, 'Media');
  assert.equal(rssItem('<media:content url="http://m.example/v.mp4"><media:title>Clip</media:title></media:content>', MEDIA).title, null);
});

test('Podlove chapters, GeoRSS and Creative Commons licenses are read by nobody here and hide no core field', () => {
  const NS = 'xmlns:psc="http://podlove.org/simple-chapters" xmlns:georss="http://www.georss.org/georss" ' +
    'xmlns:gml="http://www.opengis.net/gml" xmlns:cc="http://web.resource.org/cc/" ' +
    'xmlns:creativeCommons="http://backend.userland.com/creativeCommonsRssModule"';
  const f = parse(rss('<link>http://p.example/</link><creativeCommons:license>http://creativecommons.org/licenses/by/4.0/</creativeCommons:license>',
    `<item><psc:chapters version="1.2"><psc:chapter start="00:00:00" title="Intro" href="http://p.example/c1"/></psc:chapters>
      <georss:point>45.256 -71.92</georss:point><georss:featurename>Lake</georss:featurename>
      <georss:where><gml:Point><gml:pos>45 -71</gml:pos></gml:Point></georss:where>
      <cc:license>http://creativecommons.org/licenses/by-sa/4.0/</cc:license><title>Episode 1</title></item>`, NS));
  assert.equal(f.bozo, false);
  assert.equal(f.link, 'http://p.example/');
  assert.equal(f.rights, null);
  const it = f.items[0]!;
  assert.equal(it.title, 'Episode 1');
  assert.equal(it.link, null);
  assert.equal(it.summary, null);
  assert.deepEqual(it.categories, []);
});

test('dcterms: issued is published, modified is updated, created stands in for published; valid is no date', () => {
  const f = parse(rss('<dcterms:issued>2024-01-02</dcterms:issued><dcterms:modified>2024-01-03T10:00:00Z</dcterms:modified>',
    '<item><dcterms:created>2024-01-01</dcterms:created><dcterms:valid>start=2024-01-01;end=2024-02-01</dcterms:valid></item>', DCTERMS));
  assert.equal(f.published, '2024-01-02T00:00:00Z');
  assert.equal(f.updated, '2024-01-03T10:00:00Z');
  assert.equal(f.items[0]!.published, '2024-01-01T00:00:00Z');
  const valid = rssItem('<dcterms:valid>start=2024-01-01;end=2024-02-01</dcterms:valid>', DCTERMS);
  assert.equal(valid.published, null);
  assert.equal(valid.updated, null);
});

test('iTunes: the owner is the publisher, not an author; episode details (duration, explicit, block) change no core field', () => {
  const f = parse(rss(`<itunes:author>Host</itunes:author><itunes:owner><itunes:name>Network</itunes:name><itunes:email>net@p.example</itunes:email></itunes:owner>
    <itunes:explicit>no</itunes:explicit><itunes:block>yes</itunes:block>`,
  '<item><title>Ep</title><itunes:duration>01:02:03</itunes:duration><itunes:explicit>yes</itunes:explicit><itunes:episodeType>full</itunes:episodeType></item>', ITUNES));
  assert.deepEqual(f.authors, [{ name: 'Host', email: null, url: null }]);
  assert.equal(f.description, null);
  assert.equal(f.items[0]!.title, 'Ep');
  assert.equal(f.items[0]!.summary, null);
});

test('a link with an unsafe scheme (javascript:, data:, vbscript:) is no link; an unsafe xml:base is no base', () => {
  const f = parse(rss('<link>javascript:alert(1)</link>', `<item><link> JavaScript:alert(2)</link><comments>data:text/html,x</comments>
    <enclosure url="vbscript:x" type="audio/mpeg"/><enclosure url="http://e.example/ok.mp3" type="audio/mpeg"/></item>
    <item><link>mailto:desk@news.example</link><comments>/c?a=b:c</comments></item>`));
  assert.equal(f.link, null);
  assert.equal(f.items[0]!.link, null);
  assert.equal(f.items[0]!.comments, null);
  assert.deepEqual(f.items[0]!.enclosures.map((e) => e.url), ['http://e.example/ok.mp3']);
  assert.equal(f.items[1]!.link, 'mailto:desk@news.example');
  assert.equal(f.items[1]!.comments, 'http://feeds.example/c?a=b:c');
  const e = atomEntry('<id>1</id><link href="post"/><content type="html">&lt;a href="more"&gt;more&lt;/a&gt;</content>', 'xml:base="javascript:alert(1)//"');
  assert.equal(e.link, 'http://feeds.example/blog/post');
  assert.equal(e.content, '<a href="http://feeds.example/blog/more">more</a>');
});
