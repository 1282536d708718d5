/**
 * A forgiving, allocation-light XML tokenizer over a string. Feeds are read once, front to
 * back, with indexOf jumps between markup; no regular expression touches the bulk of the
 * text. Damage (unclosed tags, stray '<', bad end tags) is reported through onError and
 * skipped, never thrown, so a broken feed still yields what can be read.
 */
export interface ScanHandler {
  /** `contentStart`: index just after the start tag's '>'. */
  open(name: string, attrs: Record<string, string> | null, selfClosing: boolean, contentStart: number): void;
  /** `contentEnd`: index of the '<' that begins the end tag. */
  close(name: string, contentEnd: number): void;
  /** Text between `start` and `end` of the source (entities not decoded), or CDATA content. */
  text(start: number, end: number, cdata: boolean): void;
  doctype(body: string): void;
  error(message: string): void;
}

const enum C {
  LT = 60, GT = 62, SLASH = 47, BANG = 33, QUESTION = 63, EQ = 61, DQ = 34, SQ = 39, LBRACKET = 91, RBRACKET = 93, DASH = 45,
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || c > 127;
}

/**
 * Whether `name` is written in s at `at`. A loop the compiler inlines: startsWith is a call
 * into the runtime, and it ran twice per tag (a quarter of the scanner's time).
 */
function writtenAt(s: string, at: number, name: string): boolean {
  for (let k = 0; k < name.length; k++) if (s.charCodeAt(at + k) !== name.charCodeAt(k)) return false;
  return true;
}

/**
 * Tag names repeat endlessly in a feed. Looking them up by a hash computed while scanning
 * gives the same string object every time without slicing the source: no allocation per
 * tag, and later Map look-ups and comparisons on the name are by identity.
 */
class NameTable {
  private readonly buckets = new Map<number, string[]>();
  // Direct-mapped front cache: a feed uses a few dozen names, so this nearly always hits.
  private readonly recent: Array<string | undefined> = new Array(512);
  get(s: string, start: number, end: number, hash: number): string {
    const slot = (hash ^ (end - start)) & 511;
    const hit = this.recent[slot];
    if (hit !== undefined && hit.length === end - start && writtenAt(s, start, hit)) return hit;
    const name = this.lookup(s, start, end, hash);
    this.recent[slot] = name;
    return name;
  }
  private lookup(s: string, start: number, end: number, hash: number): string {
    const key = (hash * 31 + (end - start)) | 0;
    const bucket = this.buckets.get(key);
    if (bucket) {
      for (const name of bucket) if (name.length === end - start && writtenAt(s, start, name)) return name;
    }
    const name = s.slice(start, end);
    if (bucket) bucket.push(name);
    else if (this.buckets.size < 4096) this.buckets.set(key, [name]);
    return name;
  }
}

export function scanXml(s: string, h: ScanHandler): void {
  const n = s.length;
  const names = new NameTable();
  // Open element names, so the usual well-formed end tag is matched without hashing it.
  const open: string[] = [];
  let pos = 0;
  while (pos < n) {
    const lt = s.indexOf('<', pos);
    if (lt < 0) {
      h.text(pos, n, false);
      return;
    }
    if (lt > pos) h.text(pos, lt, false);
    const c = s.charCodeAt(lt + 1);
    if (c === C.SLASH) {
      const top = open[open.length - 1];
      if (top !== undefined && s.charCodeAt(lt + 2 + top.length) === C.GT && writtenAt(s, lt + 2, top)) {
        open.pop();
        h.close(top, lt);
        pos = lt + 3 + top.length;
        continue;
      }
      const gt = s.indexOf('>', lt + 2);
      if (gt < 0) {
        h.error('unterminated end tag');
        return;
      }
      let e = lt + 2;
      let hash = 0;
      while (e < gt) {
        const d = s.charCodeAt(e);
        if (isSpace(d)) break;
        hash = (hash * 33 + d) | 0;
        e++;
      }
      const closing = names.get(s, lt + 2, e, hash);
      const at = open.lastIndexOf(closing);
      if (at >= 0) open.length = at;
      h.close(closing, lt);
      pos = gt + 1;
      continue;
    }
    if (c === C.BANG) {
      if (writtenAt(s, lt, '<!--')) {
        const end = s.indexOf('-->', lt + 4);
        if (end < 0) {
          h.error('unterminated comment');
          return;
        }
        // XML 1.0 §2.5: "--" may not occur inside a comment (nor end it as "--->").
        const dashes = s.indexOf('--', lt + 4);
        if (dashes < end || (end > lt + 4 && s.charCodeAt(end - 1) === C.DASH)) h.error('"--" inside a comment');
        pos = end + 3;
        continue;
      }
      if (writtenAt(s, lt, '<![CDATA[')) {
        const end = s.indexOf(']]>', lt + 9);
        if (end < 0) {
          h.error('unterminated CDATA section');
          h.text(lt + 9, n, true);
          return;
        }
        h.text(lt + 9, end, true);
        pos = end + 3;
        continue;
      }
      // <!DOCTYPE …> possibly with an internal subset in brackets
      let i = lt + 2;
      let depth = 0;
      for (; i < n; i++) {
        const d = s.charCodeAt(i);
        if (d === C.LBRACKET) depth++;
        else if (d === C.RBRACKET) depth--;
        else if (d === C.GT && depth <= 0) break;
        else if ((d === C.DQ || d === C.SQ) && depth > 0) {
          const q = s.indexOf(s[i]!, i + 1);
          if (q > 0) i = q;
        }
      }
      h.doctype(s.slice(lt + 2, i));
      pos = i + 1;
      continue;
    }
    if (c === C.QUESTION) {
      const end = s.indexOf('?>', lt + 2);
      pos = end < 0 ? n : end + 2;
      continue;
    }
    if (!isNameStart(c)) {
      h.error('stray "<" in text');
      pos = lt + 1;
      continue;
    }
    // start tag
    let i = lt + 1;
    let hash = 0;
    while (i < n) {
      const d = s.charCodeAt(i);
      if (isSpace(d) || d === C.GT || d === C.SLASH) break;
      hash = (hash * 33 + d) | 0;
      i++;
    }
    const name = names.get(s, lt + 1, i, hash);
    let attrs: Record<string, string> | null = null;
    let selfClosing = false;
    for (;;) {
      while (i < n && isSpace(s.charCodeAt(i))) i++;
      if (i >= n) {
        h.error(`unterminated tag <${name}>`);
        return;
      }
      const d = s.charCodeAt(i);
      if (d === C.GT) {
        i++;
        break;
      }
      if (d === C.SLASH) {
        if (s.charCodeAt(i + 1) === C.GT) {
          selfClosing = true;
          i += 2;
          break;
        }
        i++;
        continue;
      }
      const an = i;
      while (i < n) {
        const e = s.charCodeAt(i);
        if (isSpace(e) || e === C.EQ || e === C.GT || e === C.SLASH) break;
        i++;
      }
      const attrName = s.slice(an, i);
      while (i < n && isSpace(s.charCodeAt(i))) i++;
      let value = '';
      if (s.charCodeAt(i) === C.EQ) {
        i++;
        while (i < n && isSpace(s.charCodeAt(i))) i++;
        const q = s.charCodeAt(i);
        if (q === C.DQ || q === C.SQ) {
          const end = s.indexOf(q === C.DQ ? '"' : "'", i + 1);
          if (end < 0) {
            h.error(`unterminated attribute value in <${name}>`);
            return;
          }
          value = s.slice(i + 1, end);
          i = end + 1;
        } else {
          const vs = i;
          while (i < n) {
            const e = s.charCodeAt(i);
            if (isSpace(e) || e === C.GT) break;
            i++;
          }
          value = s.slice(vs, i);
          h.error(`unquoted attribute value in <${name}>`);
        }
      } else if (attrName) {
        h.error(`attribute without value in <${name}>`);
      }
      if (attrName) (attrs ??= {})[attrName] = value;
    }
    h.open(name, attrs, selfClosing, i);
    if (selfClosing) h.close(name, i);
    else open.push(name);
    pos = i;
  }
}
