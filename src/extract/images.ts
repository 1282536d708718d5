import type { ChildNode, Document, Element } from 'domhandler';
import { figureLine, parsedArticle } from '../render/articleText.js';
import { collapseWhitespace } from '../text/whitespace.js';

export interface ExtractedImage {
  url: string;
  caption: string | null;
  credit: string | null;
  /** Order of the image in the article. */
  position: number;
}

/** Image records of sanitized article HTML, with the caption and credit that stand with each. */
export function imagesOf(html: string | Document): ExtractedImage[] {
  const out: ExtractedImage[] = [];
  const walk = (nodes: ChildNode[], figure: Element | null) => {
    for (const n of nodes) {
      if (n.type !== 'tag') continue;
      const el = n as Element;
      if (el.name === 'figure') {
        walk(el.children, el);
        continue;
      }
      if (el.name === 'img' && el.attribs.src && /^https?:/.test(el.attribs.src)) {
        const parts = figure ? captionParts(figure) : { caption: null, credit: null };
        if (!out.some((i) => i.url === el.attribs.src)) out.push({ url: el.attribs.src, ...parts, position: out.length });
        continue;
      }
      walk(el.children, figure);
    }
  };
  walk((typeof html === 'string' ? parsedArticle(html) : html).children, null);
  return out;
}

function captionParts(figure: Element): { caption: string | null; credit: string | null } {
  const find = (el: Element, cls: string): string | null => {
    for (const c of el.children) {
      if (c.type !== 'tag') continue;
      const e = c as Element;
      if ((e.attribs.class ?? '').split(/\s+/).includes(cls)) return text(e);
      const deeper = find(e, cls);
      if (deeper) return deeper;
    }
    return null;
  };
  const caption = find(figure, 'caption');
  const credit = find(figure, 'credit');
  if (caption || credit) return { caption, credit };
  return { caption: figureLine(figure), credit: null };
}

function text(el: Element): string | null {
  let s = '';
  const walk = (nodes: ChildNode[]) => {
    for (const n of nodes) {
      if (n.type === 'text') s += n.data;
      else if (n.type === 'tag') walk((n as Element).children);
    }
  };
  walk(el.children);
  const t = collapseWhitespace(s);
  return t || null;
}
