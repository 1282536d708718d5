import { diffWords } from 'diff';
import { escapeText } from '../html/escape.js';

/** A word-level diff of two versions of an article's text. */
export interface DiffPart {
  op: '=' | '+' | '-';
  text: string;
}

export function wordDiff(before: string, after: string): DiffPart[] {
  return diffWords(before, after).map((p) => ({ op: p.added ? '+' : p.removed ? '-' : '=', text: p.value }));
}

/** `[-removed-]{+added+}` like git's plain word diff; with colour on a terminal. */
export function renderDiffText(parts: DiffPart[], color: boolean): string {
  return parts
    .map((p) => {
      if (p.op === '=') return p.text;
      if (color) return p.op === '+' ? `\u001b[32m${p.text}\u001b[0m` : `\u001b[31;9m${p.text}\u001b[0m`;
      return p.op === '+' ? `{+${p.text}+}` : `[-${p.text}-]`;
    })
    .join('');
}

export function renderDiffHtml(parts: DiffPart[]): string {
  const html = parts.map((p) => (p.op === '=' ? escapeText(p.text) : p.op === '+' ? `<ins>${escapeText(p.text)}</ins>` : `<del>${escapeText(p.text)}</del>`)).join('');
  return html
    .split(/\n{2,}/)
    .map((para) => `<p>${para.replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

export function changedWords(parts: DiffPart[]): { added: number; removed: number } {
  const count = (op: DiffPart['op']) => parts.filter((p) => p.op === op).reduce((n, p) => n + (p.text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0), 0);
  return { added: count('+'), removed: count('-') };
}
