import { collapseWhitespace } from '../text/whitespace.js';
import { isProseBlock } from './contentBlocks.js';
import { afterSubtree, closestNamed, descendantsOf, elementsNamed, firstNamed, hasDescendantNamed, nextInOrder, upperCased } from './elementWalk.js';
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * DOM clean-up before Readability: real image URLs instead of lazy-load placeholders,
 * figures rebuilt so caption and credit survive Readability's clean-up, and the boxes news
 * pages wrap around an article (share bars, newsletter sign-ups, "read next") taken out.
 */

/** Tag names walked for (see elementWalk.ts). */
const LINK = upperCased(['a']);
const IMAGE = upperCased(['img']);
const FIGURE = upperCased(['figure']);
const FIGCAPTION = upperCased(['figcaption']);

const LAZY_SRC_ATTRS = ['data-src', 'data-lazy-src', 'data-original', 'data-url', 'data-lazy', 'data-hi-res-src', 'data-full-src'];
const LAZY_SRCSET_ATTRS = ['data-srcset', 'data-lazy-srcset'];

function isPlaceholder(src: string | null): boolean {
  if (!src) return true;
  const s = src.trim();
  return !s || s.startsWith('data:') || namesPlaceholderImage(s);
}

const PLACEHOLDER_WORDS = ['blank', 'spacer', 'placeholder', 'pixel', 'transparent', 'grey', 'gray', 'loading', 'lazy'];
const IMAGE_EXTENSIONS = ['.gif', '.png', '.svg'];

/** True when s at i starts with `word` (ASCII letters in any case, other characters exactly). */
function startsWithWord(s: string, i: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    const c = s.charCodeAt(i + k);
    const w = word.charCodeAt(k);
    if (c !== w && !(w >= 97 && w <= 122 && c === w - 32)) return false;
  }
  return true;
}

/**
 * A placeholder word, then within the same path segment an image extension that ends the
 * URL or its path ("…/lazy-load.gif?v=2"). One pass: the pattern
 * /(?:blank|…)[^/]*\.(?:gif|png|svg)(?:\?|$)/i rescanned the rest from every word.
 */
function namesPlaceholderImage(s: string): boolean {
  let wordEnd = -1; // end of the first placeholder word in the current segment
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) === 47) wordEnd = -1; // "/"
    if (wordEnd >= 0 && wordEnd <= i && IMAGE_EXTENSIONS.some((x) => startsWithWord(s, i, x))) {
      const after = i + 4;
      if (after === s.length || s.charCodeAt(after) === 63) return true; // end or "?"
    }
    if (wordEnd < 0) {
      const word = PLACEHOLDER_WORDS.find((w) => startsWithWord(s, i, w));
      if (word) wordEnd = i + word.length;
    }
  }
  return false;
}

/** What the clean-up before Readability acts on, found in one walk of the document. */
interface PageParts {
  /** img and source elements. */
  media: any[];
  /** divs a CMS marks as a captioned image (div.wp-caption, *image-caption, *media-caption). */
  captionDivs: any[];
  figures: any[];
  /** Elements of the body whose class, id or itemprop names a box around the story (NOISE). */
  noisy: any[];
  /** Inputs that ask for an e-mail address (isEmailInput). */
  emailInputs: any[];
}

/**
 * The clean-up before Readability: lazy images, figures, noise boxes, in that order. One
 * walk finds what all three act on (each used to select its own with querySelectorAll,
 * which tests every element of the page against a compiled selector).
 */
export function cleanPage(document: any, pageUrl: string): void {
  const parts = pageParts(document);
  for (const img of parts.media) resolveLazyImage(img, pageUrl);
  normaliseFigures(document, parts);
  removeNoise(parts.noisy);
  removeSignupBoxes(parts.emailInputs);
}

function pageParts(document: any): PageParts {
  const parts: PageParts = { media: [], captionDivs: [], figures: [], noisy: [], emailInputs: [] };
  const body = document.body;
  // The body's descendants are the elements from the one after it up to the end of its subtree.
  const afterBody = body ? afterSubtree(body, document) : null;
  let inBody = false;
  for (let el = document.firstElementChild; el; el = nextInOrder(el, document)) {
    if (el === afterBody) inBody = false;
    const tag = el.tagName;
    if (tag === 'IMG' || tag === 'SOURCE') parts.media.push(el);
    else if (tag === 'FIGURE') parts.figures.push(el);
    else if (tag === 'DIV' && isCaptionDiv(el)) parts.captionDivs.push(el);
    else if (tag === 'INPUT' && inBody && isEmailInput(el)) parts.emailInputs.push(el);
    if (inBody && isNoisy(el)) parts.noisy.push(el);
    if (el === body) inBody = true;
  }
  return parts;
}

function isCaptionDiv(div: any): boolean {
  const cls = div.getAttribute('class');
  if (!cls) return false;
  return cls.includes('image-caption') || cls.includes('media-caption') || (cls.includes('wp-caption') && cls.split(/\s+/).includes('wp-caption'));
}

/**
 * NOISE on class, id and itemprop one at a time: no word of it holds a space, so this is
 * its test on classAndId without building that string for every element of the page.
 */
function isNoisy(el: any): boolean {
  const cls = el.getAttribute('class');
  const id = el.getAttribute('id');
  if (cls === null && id === null) return false;
  if ((cls !== null && NOISE.test(cls)) || (id !== null && NOISE.test(id))) return true;
  const itemprop = el.getAttribute('itemprop');
  return itemprop !== null && NOISE.test(itemprop);
}

function resolveLazyImage(img: any, pageUrl: string): void {
  for (const attr of LAZY_SRC_ATTRS) {
    const v = img.getAttribute(attr);
    if (v && !v.startsWith('data:') && (isPlaceholder(img.getAttribute('src')) || img.tagName === 'SOURCE')) {
      img.setAttribute('src', v);
      break;
    }
  }
  for (const attr of LAZY_SRCSET_ATTRS) {
    const v = img.getAttribute(attr);
    if (v) {
      img.setAttribute('srcset', v);
      break;
    }
  }
  if (img.tagName === 'IMG' && isPlaceholder(img.getAttribute('src'))) {
    const best = bestFromSrcset(img.getAttribute('srcset'));
    if (best) img.setAttribute('src', best);
  }
  if (img.tagName === 'IMG' && isTrackingPixel(img)) img.remove();
  else if (img.getAttribute('src')) {
    try {
      img.setAttribute('src', new URL(img.getAttribute('src'), pageUrl).href);
    } catch {
      /* keep the attribute as written */
    }
  }
}

function bestFromSrcset(srcset: string | null): string | null {
  if (!srcset) return null;
  let best: { url: string; w: number } | null = null;
  for (const part of srcset.split(/,\s+/)) {
    const [url, size] = part.trim().split(/\s+/);
    if (!url) continue;
    const w = size ? Number.parseFloat(size) : 1;
    if (!best || w > best.w) best = { url, w };
  }
  return best?.url ?? null;
}

function isTrackingPixel(img: any): boolean {
  const w = img.getAttribute('width');
  const h = img.getAttribute('height');
  if ((w === '1' || w === '0') && (h === '1' || h === '0')) return true;
  const src = img.getAttribute('src') ?? '';
  return /\/(?:pixel|beacon|tracking|count)(?:\.gif|\.png|\/|\?)/i.test(src);
}

const CREDIT = /(?:^|[-_\s])(?:credit|credits|copyright|photographer|attribution|image-source|photo-source|source|byline|courtesy|getty|rights)(?:[-_\s]|$)/i;
const CAPTION = /caption/i;

function classAndId(el: any): string {
  return `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''} ${el.getAttribute('itemprop') ?? ''}`;
}

function text(el: any): string {
  return String(el.textContent ?? '').replace(/[\s\u00a0]+/g, ' ').trim();
}

const FIGURE_MEDIA = upperCased(['img', 'picture', 'video', 'iframe']);

/** Rebuilds each figure as image(s) + `<figcaption><span class=caption/> <span class=credit/></figcaption>`. */
function normaliseFigures(document: any, parts: PageParts): void {
  // WordPress and friends mark captioned images with a div, not a figure.
  let rebuilt = false;
  for (const div of parts.captionDivs) {
    if (hasDescendantNamed(div, IMAGE) && !closestNamed(div, FIGURE)) {
      const fig = document.createElement('figure');
      for (const c of Array.from(div.childNodes)) fig.appendChild(c);
      div.replaceWith(fig);
      rebuilt = true;
    }
  }
  const figures = rebuilt ? elementsNamed(document, FIGURE) : parts.figures;
  for (const fig of figures) {
    if (hasDescendantNamed(fig, FIGURE)) continue; // galleries: their inner figures carry the captions
    const media = firstNamed(fig, FIGURE_MEDIA);
    if (!media) continue;
    const creditEls = descendantsOf(fig).filter(
      (e) => CREDIT.test(classAndId(e)) && !hasDescendantNamed(e, IMAGE) && text(e).length > 0 && text(e).length < 300,
    );
    const outermostCredits = creditEls.filter((e) => !creditEls.some((o) => o !== e && o.contains(e)));
    const credit = outermostCredits.map(text).filter(Boolean).join(' ');
    for (const e of outermostCredits) e.remove();
    let captionEl = firstNamed(fig, FIGCAPTION);
    if (!captionEl) {
      // Walked again: the credits are gone from it.
      captionEl = descendantsOf(fig).find((e) => CAPTION.test(classAndId(e)) && !hasDescendantNamed(e, IMAGE) && text(e).length > 0) ?? null;
    }
    const caption = captionEl ? text(captionEl) : '';
    if (captionEl) captionEl.remove();
    if (!caption && !credit) continue;
    const figcaption = document.createElement('figcaption');
    if (caption) {
      const s = document.createElement('span');
      s.setAttribute('class', 'caption');
      s.textContent = caption;
      figcaption.appendChild(s);
    }
    if (credit) {
      if (caption) figcaption.appendChild(document.createTextNode(' '));
      const s = document.createElement('span');
      s.setAttribute('class', 'credit');
      s.textContent = credit;
      figcaption.appendChild(s);
    }
    fig.appendChild(figcaption);
  }
}

export const NOISE =
  /(?:^|[-_\s])(?:share|sharing|social|newsletter|related|recirc|recirculation|promo|advert|advertisement|ads?|sponsor|sponsored|subscribe|subscription|signup|sign-up|outbrain|taboola|read-?next|read-?more|more-stories|most-popular|trending|comments?|paywall|donate)(?:[-_\s]|$)/i;

const PARAGRAPH = upperCased(['p']);

/** Removes the noisy elements (pageParts) that hold fewer than two paragraphs of text. */
function removeNoise(candidates: any[]): void {
  for (const el of candidates) {
    if (!el.isConnected && el.parentNode === null) continue;
    if (el.tagName === 'BODY' || el.tagName === 'HTML' || el.tagName === 'ARTICLE' || el.tagName === 'MAIN') continue;
    // An article container can carry a class like "share-enabled": never remove real text.
    const paragraphs = elementsNamed(el, PARAGRAPH).filter((p) => text(p).length > 120).length;
    if (paragraphs >= 2) continue;
    el.remove();
  }
}

const EMAIL_FIELD = /e-?mail/i;

/** An input for an e-mail address: the type says so, or its name, id, placeholder or autofill hint. */
function isEmailInput(input: any): boolean {
  const type = (input.getAttribute('type') ?? 'text').toLowerCase();
  if (type === 'email') return true;
  if (type !== 'text') return false;
  return ['name', 'id', 'placeholder', 'autocomplete'].some((attr) => EMAIL_FIELD.test(input.getAttribute(attr) ?? ''));
}

/**
 * A box no longer than a pitch and a privacy note: what the sign-up around an e-mail field
 * is, whatever its class is called (Readability drops the form but keeps the pitch).
 */
const SIGNUP_BOX_CHARS = 400;

/**
 * Removes each e-mail field with the largest box around it that holds no more text than a
 * sign-up. A short news brief is no longer than that either: the climb stops before the
 * story's container (article, main, the articleBody) and before any box that holds prose.
 */
function removeSignupBoxes(inputs: any[]): void {
  for (const input of inputs) {
    let box = input;
    for (let up = box.parentElement; up && isSignupBox(up); up = up.parentElement) box = up;
    box.remove();
  }
}

const STORY_CONTAINERS = upperCased(['body', 'article', 'main']);

function isSignupBox(el: any): boolean {
  if (STORY_CONTAINERS.has(el.tagName) || /\barticleBody\b/.test(el.getAttribute('itemprop') ?? '')) return false;
  return text(el).length <= SIGNUP_BOX_CHARS && !elementsNamed(el, PARAGRAPH).some(isProseBlock);
}

// ---- after Readability: what it kept but a reader does not want ----

const BOILERPLATE_START = /^(?:advert|click here to|tell us what you think|tags?|tagged|tagged with|filed under|topics?|categories|share(?: this)?|related(?: articles| stories| content)?|read more|see more|more from|don'?t miss|most read|most popular|trending|recommended|advertisement|sponsored|sign in|log in|subscribe|newsletter|comments?|leave a comment|follow us)\b[\s:.-]*/i;
// regex-safe: only tested on element text of at most 300 characters (see removeArticleFurniture)
const BOILERPLATE_ANYWHERE = /all rights reserved|©\s*\d{4}|copyright\s*(?:©\s*)?\d{4}|comments? (?:are|is) (?:closed|moderated)|sign up (?:for|to) .{0,60}newsletter|subscribe to (?:our|the) .{0,40}newsletter/i;
// regex-safe: an alternation of words; isDateLine tests it on at most 60 characters
const MONTH = /\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro|enero|febrero|marzo|mayo|junio|julio|septiembre|octubre|noviembre|diciembre)\b/i;

/** A line that is only a date (and time): "November 19, 2019 at 9:45 am". */
function isDateLine(t: string): boolean {
  if (t.length > 60 || !/\b(?:19|20)\d{2}\b/.test(t)) return false;
  if (!/\d{1,2}:\d{2}/.test(t) && !MONTH.test(t)) return false;
  return t.split(/\s+/).length <= 10 && !/[.!?]\s+[A-Z]/.test(t);
}

/** Breadcrumbs run together: "HomeLatest NewsSome Headline", all links. */
function isBreadcrumb(el: any, t: string): boolean {
  return /^home(?=[A-Z]|\s*[›>»/|])/i.test(t) && elementsNamed(el, LINK).length >= 2 && linkDensity(el) > 0.5;
}

/** A "read this too" headline dropped into the story: one link, written in capitals. */
function isShoutedTeaser(el: any, t: string): boolean {
  const letters = t.replace(/[^\p{L}]/gu, '');
  return letters.length >= 12 && letters === letters.toUpperCase() && letters !== letters.toLowerCase() && linkDensity(el) > 0.9;
}
const GALLERY_COUNTER = /^(?:image|photo|picture|slide|foto|imagem)\s+\d+\s*(?:of|de|von)?\s*\/?\s*\d+$/i;
/** "By Jane Doe", "By Jane Doe - 11/18/19 11:04 PM EST": the author line, shown apart from the text. */
// regex-safe: only tested on text under 90 characters
const AUTHOR_LINE = /^[Bb]y\s+\p{Lu}[\p{L}.'’-]*(?:\s+(?:\p{Lu}[\p{L}.'’-]*|de|da|van|von|and|&))*\s*(?:[-–—|,]\s*.{0,50})?$/u;
const LONE_URL = /^https?:\/\/\S+$/;
const LONE_CREDIT = /^©\s*\S.{0,60}$/;
/** A dateline on its own: "PUBLISHED: 10:48, Tue, Nov 19, 2019", "| UPDATED: …", "Updated 11:21 pm CST, …". */
// regex-safe: anchored, repeats bounded ({0,60}); tested on at most 300 characters
const DATELINE = /^\|?\s*(?:published|updated|posted|last updated|first published)\b\s*:?\s*(?:on\s+|at\s+)?[\w ,:.|/-]{0,60}\d{4}\s*$|^\|?\s*(?:published|updated|posted)\s*:?\s*(?:on\s+|at\s+)?\d{1,2}:\d{2}[\w .]{0,12}$/i;

function linkDensity(el: any): number {
  const total = text(el).length || 1;
  let links = 0;
  for (const a of elementsNamed(el, LINK)) links += text(a).length;
  return links / total;
}

/**
 * Readability keeps some page furniture that sits inside the article container: menus,
 * tag lists, empty bullets, copyright and comment-policy lines. They are removed from the
 * article element Readability returns, before it is serialised.
 */
/** An element holding one of these is not a furniture line (it holds text blocks or media). */
const HOLDS_BLOCKS = upperCased(['p', 'img', 'figure', 'li', 'h2', 'h3']);
/** The tags each step of removeArticleFurniture looks at (walked, not selected: see elementWalk.ts). */
const HEADLINE_TAGS = upperCased(['h1', 'h2', 'p', 'div']);
const MEDIA_BLOCKS = upperCased(['img', 'figure']);
const LISTS = upperCased(['ul', 'ol', 'nav', 'menu']);
const LIST_ITEM = upperCased(['li']);
const LINE_TAGS = upperCased(['p', 'div', 'span', 'section', 'footer', 'aside', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'small', 'b', 'strong', 'li', 'dt', 'dd']);
/** Code, tables and image captions are content whatever they look like. */
const CONTENT_TAGS = upperCased(['pre', 'code', 'table', 'figure', 'figcaption']);

export function removeArticleFurniture(article: any, title: string | null = null): void {
  removeHeadlineLists(article);
  removeHoverCards(article);
  if (title) repeatedHeadlineOf(article, title)?.remove();
  for (const el of elementsNamed(article, LISTS)) {
    if (!el.isConnected && !el.parentNode) continue;
    const t = text(el);
    // Menus, and breadcrumbs (Home › News › Space): short items that are all links.
    const lis = elementsNamed(el, LIST_ITEM);
    const items = lis.length;
    const allLinked = lis.length > 0 && lis.every((li) => hasDescendantNamed(li, LINK));
    const menuLike = (items >= 4 && linkDensity(el) > 0.8 && t.length / items < 40) || (items >= 2 && items <= 6 && allLinked && linkDensity(el) > 0.6 && t.length / items < 25);
    if (menuLike || (t.length === 0 && !hasDescendantNamed(el, IMAGE))) el.remove();
  }
  // The same figure twice in a row (a lead image repeated by the gallery that follows it).
  let previousCaption: string | null = null;
  for (const fig of elementsNamed(article, FIGURE)) {
    const caption = text(firstNamed(fig, FIGCAPTION) ?? fig);
    if (caption && caption === previousCaption) fig.remove();
    else previousCaption = caption || null;
  }
  for (const li of elementsNamed(article, LIST_ITEM)) {
    if (!text(li).replace(/[•·\s]/g, '') && !hasDescendantNamed(li, IMAGE)) li.remove();
  }
  for (const el of elementsNamed(article, LINE_TAGS)) {
    if (!el.parentNode) continue;
    // The tag test first: it spares the text of every container the article is made of.
    if (el.tagName !== 'P' && hasDescendantNamed(el, HOLDS_BLOCKS)) continue;
    const t = text(el);
    if (!t || t.length > 300) continue;
    if (closestNamed(el, CONTENT_TAGS)) continue;
    if (
      BOILERPLATE_ANYWHERE.test(t) ||
      DATELINE.test(t) ||
      isDateLine(t) ||
      isBreadcrumb(el, t) ||
      isShoutedTeaser(el, t) ||
      (t.length < 90 && AUTHOR_LINE.test(t)) ||
      LONE_URL.test(t) ||
      LONE_CREDIT.test(t) ||
      GALLERY_COUNTER.test(t) ||
      (BOILERPLATE_START.test(t) && (t.length < 40 || linkDensity(el) > 0.5))
    ) {
      // "Tags" / "Topics" headings take their list of links with them.
      const next = el.nextElementSibling;
      if (/^(?:tags?|topics?|categories|tagged)\b/i.test(t) && t.length < 20 && next && linkDensity(next) > 0.5 && text(next).length < 600) next.remove();
      el.remove();
    }
  }
}

/** Between a headline and the site's name in a page title: "Headline - Site", "Site | Headline". */
const SITE_AFTER = /^\s+[-|–—:·»]\s+\S/;
const SITE_BEFORE = /\S\s+[-|–—:·»]\s+$/;

/** Lines at the top of the body where the headline is looked for. */
const HEADLINE_LINES = 6;

/**
 * The headline repeated at the top of the body (the reader shows it already), among the
 * first lines: wrappers (longer than a headline) and empty boxes are not lines.
 */
function repeatedHeadlineOf(article: any, title: string): any {
  let lines = 0;
  for (const e of elementsNamed(article, HEADLINE_TAGS)) {
    const t = text(e);
    if (t.length === 0 || t.length > HEADLINE_CHARS.max * 2) continue;
    if (isHeadlineOf(t, title) && !hasDescendantNamed(e, MEDIA_BLOCKS)) return e;
    if (++lines === HEADLINE_LINES) return undefined;
  }
  return undefined;
}

/**
 * Whether a line is the page's headline: the title itself, or the title less the site's
 * name that pages add before or after it (the heading on the page rarely carries it).
 */
function isHeadlineOf(line: string, title: string): boolean {
  const want = collapseWhitespace(title).toLowerCase();
  const t = line.toLowerCase();
  if (!t) return false;
  if (t === want) return true;
  if (t.length < 15) return false;
  if (want.startsWith(t)) return SITE_AFTER.test(want.slice(t.length));
  return want.endsWith(t) && SITE_BEFORE.test(want.slice(0, want.length - t.length));
}

const HEADINGS = upperCased(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** A teaser's summary is a sentence or two; more is a section of the story with a linked title. */
const TEASER_MAX_CHARS = 400;

/** A box that is another story's teaser: a heading that is all link, and little else. */
function isTeaserCard(el: any): boolean {
  const heading = firstNamed(el, HEADINGS);
  if (!heading || !isLinkedHeadline(heading)) return false;
  return text(el).length - text(heading).length <= TEASER_MAX_CHARS && elementsNamed(el, PARAGRAPH).filter((p) => text(p).length > 120).length <= 1;
}

/**
 * Other stories' teasers in a row, each in a box of its own (a card: linked headline,
 * a kicker, a line of summary): three or more sibling boxes that are all teasers.
 */
function teaserRuns(article: any): any[][] {
  const runs: any[][] = [];
  const visit = (parent: any) => {
    let run: any[] = [];
    const close = () => {
      if (run.length >= MIN_HEADLINES) runs.push(run);
      run = [];
    };
    for (const child of Array.from(parent.children) as any[]) {
      if (child.tagName !== 'P' && !HEADINGS.has(child.tagName) && isTeaserCard(child)) run.push(child);
      else {
        close();
        visit(child);
      }
    }
    close();
  };
  visit(article);
  return runs;
}

// ---- cards that pop up over a link ----

/** Inline elements a pop-up card is built of (a link is the card's trigger, not the card). */
const INLINE_BOXES = upperCased(['span', 'small', 'em', 'i', 'b', 'strong', 'cite']);

/**
 * A person's or a term's card, shown on hovering the link it follows: the same link
 * again, then more links (their other stories), nearly nothing but link text. In the
 * text it reads as a run of headlines glued into the sentence, so it goes.
 */
function isHoverCard(el: any): boolean {
  const trigger = el.previousElementSibling;
  if (trigger?.tagName !== 'A' || !trigger.getAttribute('href')) return false;
  const links = elementsNamed(el, LINK);
  if (links.length < 2 || !links.some((a) => a.getAttribute('href') === trigger.getAttribute('href'))) return false;
  return linkDensity(el) > 0.8;
}

function removeHoverCards(article: any): void {
  for (const el of elementsNamed(article, INLINE_BOXES)) {
    if (el.parentNode && isHoverCard(el)) el.remove();
  }
}

// ---- lists of other stories ----

/** Shorter items are menus (handled above); longer ones are teasers with a summary, not a headline. */
const HEADLINE_CHARS = { min: 15, max: 160 };
/** Two linked lines in a row are often a story's own sources; three or more are a list of other stories. */
const MIN_HEADLINES = 3;
const HEADLINE_LISTS = upperCased(['ul', 'ol']);

/**
 * Whether an item is one headline and nothing else: words (a bare address is a source the
 * story cites, not a teaser) that are (nearly) all link text.
 */
function isLinkedHeadline(el: any): boolean {
  const t = text(el);
  if (t.length < HEADLINE_CHARS.min || t.length > HEADLINE_CHARS.max || !t.includes(' ') || /^(?:https?:|www\.)/i.test(t)) return false;
  return linkDensity(el) >= 0.9;
}

/** A short title over a list ("Related", "Holiday gift guides"): a heading that is not a sentence. */
function isListTitle(el: any): boolean {
  if (!el || !/^H[2-6]$/.test(el.tagName)) return false;
  const t = text(el);
  return t.length > 0 && t.length < 60 && !/[.!?:]$/.test(t);
}

/**
 * "Read next" lists inside the story: three or more items in a row, each of which is only a
 * linked headline (an <li> of a list, or paragraphs one after another). A list a story
 * cites has prose around its links ("the report, published in…"); one that points readers
 * elsewhere has none. The heading naming such a list goes with it.
 */
function removeHeadlineLists(article: any): void {
  const runs: any[][] = [];
  for (const list of elementsNamed(article, HEADLINE_LISTS)) {
    const items = Array.from(list.children) as any[];
    if (items.length >= MIN_HEADLINES && items.every((li) => li.tagName === 'LI' && isLinkedHeadline(li))) runs.push([list]);
  }
  let run: any[] = [];
  for (const p of elementsNamed(article, PARAGRAPH)) {
    const linked = isLinkedHeadline(p);
    if (linked && run.length && run[run.length - 1].nextElementSibling === p) run.push(p);
    else {
      if (run.length >= MIN_HEADLINES) runs.push(run);
      run = linked ? [p] : [];
    }
  }
  if (run.length >= MIN_HEADLINES) runs.push(run);
  runs.push(...teaserRuns(article));
  for (const els of runs) {
    const before = els[0].previousElementSibling;
    if (isListTitle(before)) before.remove();
    for (const el of els) el.remove();
  }
}
