import { parseDocument } from 'htmlparser2';
import type { ChildNode, Document, Element } from 'domhandler';

/**
 * Sanitized article HTML → the reading format's body: paragraphs separated by one blank
 * line; each figure becomes one line `<caption> <credit>` where the image stood; figures
 * that follow one another stay on consecutive lines.
 */
type Block = { kind: 'text' | 'figure'; text: string };

const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'aside', 'header', 'footer', 'main', 'blockquote', 'pre', 'ul', 'ol', 'dl',
  'li', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'caption',
  'details', 'summary', 'address', 'hr', 'picture', 'video', 'audio', 'iframe',
]);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'head', 'title', 'svg', 'button', 'select', 'textarea']);

function isLineSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0;
}

/**
 * A line without its spaces, tabs and no-break spaces at either end. A loop, because
 * /[ \t\u00a0]*\n/ rescans a long run of spaces from each of its positions (quadratic).
 */
function trimSpaces(line: string): string {
  let start = 0;
  let end = line.length;
  while (start < end && isLineSpace(line.charCodeAt(start))) start++;
  while (end > start && isLineSpace(line.charCodeAt(end - 1))) end--;
  return line.slice(start, end);
}

/** Article HTML parsed as the reading format reads it: one tree for several readers. */
export function parsedArticle(html: string): Document {
  return parseDocument(html, { decodeEntities: true });
}

export function articleBlocks(html: string | Document): Block[] {
  const doc = typeof html === 'string' ? parsedArticle(html) : html;
  const blocks: Block[] = [];
  let buf = '';
  const flush = () => {
    const t = buf.split('\n').map(trimSpaces).join('\n').replace(/[ \t\u00a0]+/g, ' ').replace(/\n{2,}/g, '\n').trim();
    // A list item that held only an image without caption leaves a bare bullet behind.
    if (t && t !== '•') blocks.push({ kind: 'text', text: t });
    buf = '';
  };
  const walk = (nodes: ChildNode[], pre: boolean) => {
    for (const node of nodes) {
      if (node.type === 'text') {
        buf += pre ? node.data : node.data.replace(/\s+/g, ' ');
        continue;
      }
      if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') continue;
      const el = node as Element;
      const name = el.name.toLowerCase();
      if (SKIP.has(name)) continue;
      if (name === 'br') {
        buf += '\n';
        continue;
      }
      if (name === 'figure') {
        flush();
        const line = figureLine(el);
        if (line) blocks.push({ kind: 'figure', text: line });
        continue;
      }
      if (name === 'td' || name === 'th') {
        buf += ' ';
        walk(el.children, pre);
        buf += ' ';
        continue;
      }
      if (BLOCK.has(name)) {
        flush();
        if (name === 'li') buf += '• ';
        walk(el.children, pre || name === 'pre');
        flush();
        continue;
      }
      walk(el.children, pre);
    }
  };
  walk(doc.children, false);
  flush();
  return blocks;
}

export function articleText(html: string | Document): string {
  const blocks = articleBlocks(html);
  let out = '';
  for (let i = 0; i < blocks.length; i++) {
    if (i > 0) out += blocks[i]!.kind === 'figure' && blocks[i - 1]!.kind === 'figure' ? '\n' : '\n\n';
    out += blocks[i]!.text;
  }
  return out;
}

/** `<caption> <credit>` of a figure, or null when it has neither. */
export function figureLine(figure: Element): string | null {
  const caption = findFirst(figure, (e) => e.name === 'figcaption');
  if (!caption) return null;
  return normalise(textContent(caption)) || null;
}

function findFirst(el: Element, pred: (e: Element) => boolean): Element | null {
  for (const c of el.children) {
    if (c.type !== 'tag') continue;
    const e = c as Element;
    if (pred(e)) return e;
    const found = findFirst(e, pred);
    if (found) return found;
  }
  return null;
}

function textContent(el: Element): string {
  let s = '';
  for (const c of el.children) {
    if (c.type === 'text') s += c.data;
    else if (c.type === 'tag') {
      const e = c as Element;
      if (SKIP.has(e.name)) continue;
      const sep = e.name === 'br' || BLOCK.has(e.name) || /\b(?:caption|credit)\b/.test(e.attribs.class ?? '') ? ' ' : '';
      s += e.name === 'br' ? ' ' : sep + textContent(e) + sep;
    }
  }
  return s;
}

function normalise(s: string): string {
  return s.replace(/[\s\u00a0]+/g, ' ').trim();
}
