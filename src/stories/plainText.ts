import { Parser } from 'htmlparser2';

const BLOCKS = new Set(['p', 'div', 'br', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'blockquote', 'section', 'article', 'header', 'footer', 'figcaption', 'pre', 'table', 'ul', 'ol', 'dd', 'dt', 'title']);
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head']);

/** Whether a document looks like HTML rather than plain text. */
export function looksLikeHtml(s: string): boolean {
  return /^\s*<(?:!doctype|html|head|body|p|div|article|section|h[1-6]|span|a|!--)[\s>]/i.test(s.slice(0, 1024));
}

/** The text of an HTML document, a line per block, entities decoded, scripts and styles left out. */
export function htmlToText(html: string): string {
  let out = '';
  let skipping = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (SKIPPED.has(name)) skipping++;
        else if (BLOCKS.has(name)) out += '\n';
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) skipping = Math.max(0, skipping - 1);
        else if (BLOCKS.has(name)) out += '\n';
      },
      ontext(text) {
        if (!skipping) out += text;
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return out
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

/** Plain text as given; HTML turned into its text (offsets then refer to that text). */
export function articleText(input: string): string {
  return looksLikeHtml(input) ? htmlToText(input) : input;
}
