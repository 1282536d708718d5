import { test } from 'node:test';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { parseHTML } from 'linkedom';
import { extractArticle } from '../src/extract/extractArticle.js';
import { selectorsFor } from '../src/extract/siteRules.js';

/*
 * One fixture per publisher rule in siteRules.json: a small page written to mimic that
 * publisher's current article markup, with its furniture where the publisher puts it.
 * Each selector of the rule must match something in the fixture, and the furniture's
 * text must be gone from the extracted article while the story stays.
 */

const story = (n: number) =>
  `<p>Story paragraph ${n}: officials in the capital said on Monday that negotiations over the river treaty would resume next month, after talks stalled over water quotas for the dry season and the cost of new dams upstream.</p>`;
const FURNITURE = 'FURNITURE-MARK';
const junk = (what: string) => `<p>${FURNITURE} ${what}: more from us, sign up, share, follow and read this too.</p>`;

interface Fixture {
  url: string;
  page: string;
}

function page(head: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>River treaty talks resume</title>${head}</head><body>${body}</body></html>`;
}

const fixtures: Record<string, Fixture> = {
  guardian: {
    url: 'https://www.theguardian.com/world/2026/nov/20/river-treaty-talks-resume',
    page: page('<meta property="og:site_name" content="the Guardian">', `
      <div id="sign-in-gate">${junk('gate')}</div>
      <main data-layout="StandardLayout"><article><h1>River treaty talks resume</h1>
      <div id="maincontent"><div class="article-body-commercial-selector article-body-viewer-selector dcr-1">
      ${story(1)}${story(2)}
      <aside data-component="rich-link" data-link-name="rich-link-1 | 1"><div>${junk('rich link')}</div></aside>
      ${story(3)}
      <gu-island name="ShareButton"><div data-print-layout="hide">${junk('share')}</div></gu-island>
      ${story(4)}</div></div></article></main>`),
  },
  bbc: {
    url: 'https://www.bbc.com/news/articles/c0river1treaty',
    page: page('', `<div id="main-content"><article>
      <div data-component="headline-block"><h1>River treaty talks resume</h1></div>
      <div data-component="text-block">${story(1)}</div><div data-component="text-block">${story(2)}</div>
      <div data-component="links-block"><ul><li><a href="/news/a">${FURNITURE} links block</a></li></ul></div>
      <div data-component="text-block">${story(3)}</div><div data-component="text-block">${story(4)}</div>
      <div data-component="topic-list"><h2>${FURNITURE} topics</h2><ul><li><a href="/news/topics/x">Rivers</a></li></ul></div>
      <div data-component="related-internet-links"><h2>${FURNITURE} related internet links</h2></div>
      <div data-component="tag-list"><a href="/news/topics/y">${FURNITURE} tag list</a></div>
      </article></div>`),
  },
  nytimes: {
    url: 'https://www.nytimes.com/2026/11/20/world/river-treaty.html',
    page: page('', `<div id="app"><main id="site-content"><article id="story">
      <header><h1 data-testid="headline">River treaty talks resume</h1>
      <div data-testid="share-tools"><button>${FURNITURE} share tools</button></div></header>
      <section name="articleBody"><div class="StoryBodyCompanionColumn"><div>${story(1)}${story(2)}</div></div>
      <div data-testid="inline-message">${junk('inline message')}</div>
      <div class="StoryBodyCompanionColumn"><div>${story(3)}${story(4)}</div></div></section>
      </article><div id="bottom-sheet-sensor">${junk('bottom sheet')}</div></main></div>`),
  },
  washingtonpost: {
    url: 'https://www.washingtonpost.com/world/2026/11/20/river-treaty-talks/',
    page: page('', `<main><article><h1 data-qa="headline">River treaty talks resume</h1>
      <div data-qa="share-bar">${junk('share bar')}</div>
      <div class="meteredContent grid-center"><div data-qa="article-body">${story(1)}${story(2)}</div>
      <div data-qa="article-body-ad">${junk('ad')}</div>
      <div data-qa="article-body">${story(3)}</div><div data-qa="subscribe-promo">${junk('subscribe')}</div>
      <div data-qa="article-body">${story(4)}</div></div></article></main>`),
  },
  cnn: {
    url: 'https://edition.cnn.com/2026/11/20/world/river-treaty-talks-intl/index.html',
    page: page('', `<section class="layout__wrapper"><div class="headline"><h1 class="headline__text">River treaty talks resume</h1>
      <div class="social-share">${junk('social share')}</div></div>
      <main class="article__main"><div class="article__content">${story(1)}${story(2)}
      <div class="related-content related-content--article">${junk('related content')}</div>
      ${story(3)}${story(4)}</div></main></section>`),
  },
  nypost: {
    url: 'https://nypost.com/2026/11/20/world-news/river-treaty-talks-resume/',
    page: page('', `<main><article class="single"><h1 class="headline">River treaty talks resume</h1>
      <div class="author-flyout">${junk('author flyout')}</div><div class="social-icons">${junk('social icons')}</div>
      <div class="single__content entry-content">${story(1)}${story(2)}
      <div class="inline-module">${junk('inline module')}</div>${story(3)}${story(4)}</div>
      <div class="comments-teaser">${junk('comments')}</div><div class="membership-comments-container">${junk('membership')}</div>
      </article></main>`),
  },
  foxnews: {
    url: 'https://www.foxnews.com/world/river-treaty-talks-resume',
    page: page('', `<main class="main-content"><article><header><h1 class="headline">River treaty talks resume</h1></header>
      <div class="article-content"><div class="featured-video">${junk('featured video')}</div>
      <div class="article-body">${story(1)}${story(2)}<div class="ad-container tablet-ad">${junk('ad')}</div>${story(3)}${story(4)}</div>
      <div class="related-topics"><h3>${FURNITURE} related topics</h3></div></div></article></main>`),
  },
  aljazeera: {
    url: 'https://www.aljazeera.com/news/2026/11/20/river-treaty-talks-resume',
    page: page('', `<main id="main-content-area"><header class="article-header"><h1>River treaty talks resume</h1></header>
      <div class="wysiwyg wysiwyg--all-content">${story(1)}${story(2)}
      <div class="more-on">${junk('more on')}</div>${story(3)}
      <div class="article-newsletter">${junk('newsletter')}</div>${story(4)}</div></main>`),
  },
};

for (const [publisher, fixture] of Object.entries(fixtures)) {
  test(`${publisher}: every rule selector matches the fixture and its furniture leaves the article`, () => {
    const selectors = selectorsFor(fixture.url);
    assert.ok(selectors.length > 0, `${publisher} has rules`);
    const { document } = parseHTML(fixture.page);
    for (const selector of selectors) assert.ok(document.querySelector(selector), `${selector} matches the ${publisher} fixture`);
    const a = extractArticle(fixture.page, fixture.url);
    for (const n of [1, 2, 3, 4]) assert.match(a.text, new RegExp(`Story paragraph ${n}:`));
    assert.doesNotMatch(a.text, new RegExp(FURNITURE));
  });
}

test('every publisher with rules has a fixture here', () => {
  const { rules } = createRequire(import.meta.url)('../src/extract/siteRules.json') as { rules: { hosts: string[] }[] };
  const covered = Object.values(fixtures).map((f) => new URL(f.url).hostname);
  for (const rule of rules) {
    assert.ok(
      covered.some((host) => rule.hosts.some((h) => host === h || host.endsWith(`.${h}`))),
      `a fixture for ${rule.hosts.join(', ')}`,
    );
  }
});
