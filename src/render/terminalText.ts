/**
 * Text from outside (feeds, pages, error messages) made safe to print on a terminal:
 * escape sequences could retitle the window, clear the screen, rewrite earlier lines or
 * hide text, and bidi overrides could make a line read differently from what it holds.
 * One linear pass; no regex over the untrusted text.
 */
const ESC = 0x1b;
const BEL = 0x07;

/** Multi-line text (an article body): keeps \n and \t, drops every other control. */
export function terminalText(s: string): string {
  return clean(s, false);
}

/** One-line fields (titles, names, URLs, messages): line breaks and tabs become spaces. */
export function terminalLine(s: string): string {
  return clean(s, true);
}

function clean(s: string, oneLine: boolean): string {
  let out = '';
  let kept = 0;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (!isUnsafe(c, oneLine)) {
      i++;
      continue;
    }
    out += s.slice(kept, i);
    if ((c === 0x0a || c === 0x09) && oneLine) out += ' ';
    i = c === ESC ? afterEscape(s, i) : i + 1;
    kept = i;
  }
  return kept === 0 ? s : out + s.slice(kept);
}

function isUnsafe(c: number, oneLine: boolean): boolean {
  if (c === 0x0a || c === 0x09) return oneLine;
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/** Where an escape sequence starting at `start` ends: CSI, OSC/DCS/APC/PM/SOS strings, or a single ESC x. */
function afterEscape(s: string, start: number): number {
  const kind = s[start + 1];
  if (kind === undefined) return start + 1;
  if (kind === '[') {
    let i = start + 2;
    // Parameter and intermediate bytes, then one final byte.
    while (i < s.length && s.charCodeAt(i) >= 0x20 && s.charCodeAt(i) <= 0x3f) i++;
    const f = s.charCodeAt(i);
    return f >= 0x40 && f <= 0x7e ? i + 1 : i;
  }
  if (kind === ']' || kind === 'P' || kind === '_' || kind === '^' || kind === 'X') {
    // A string sequence runs to BEL or ESC \ (string terminator).
    for (let i = start + 2; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === BEL) return i + 1;
      if (c === ESC) return s[i + 1] === '\\' ? i + 2 : i;
    }
    return s.length;
  }
  return start + 2;
}
