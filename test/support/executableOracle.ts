import { parseFragment } from 'parse5';

/**
 * Looks at sanitized HTML the way a browser would (parse5 is the WHATWG HTML parser) and
 * lists everything in it that could run code, load a document or submit data. Used by
 * the security-vector suite: Tidings' output must give an empty list, whatever went in.
 */
const FORBIDDEN_ELEMENTS = new Set([
  'script', 'frame', 'frameset', 'object', 'embed', 'applet', 'meta', 'link', 'base', 'form', 'input', 'button',
  'textarea', 'select', 'style', 'template', 'noscript', 'animate', 'set', 'animatemotion', 'animatetransform',
  'animatecolor', 'use', 'foreignobject', 'image', 'feimage', 'handler', 'listener', 'portal', 'dialog', 'xmp',
]);
const URL_ATTRS = new Set(['href', 'src', 'xlink:href', 'action', 'formaction', 'data', 'poster', 'background', 'lowsrc', 'dynsrc', 'codebase', 'cite', 'longdesc', 'usemap', 'ping', 'manifest', 'icon', 'profile', 'classid', 'archive', 'to', 'from', 'values', 'by']);
const SAFE_DATA_IMAGE = /^data:image\/(?:png|jpe?g|gif|webp|avif|bmp);base64,/i;
const IFRAME_HOSTS = new Set(['www.youtube.com', 'youtube.com', 'www.youtube-nocookie.com', 'player.vimeo.com', 'www.dailymotion.com', 'embed.ted.com', 'open.spotify.com', 'w.soundcloud.com', 'bandcamp.com', 'player.twitch.tv']);

type P5Node = { nodeName: string; tagName?: string; attrs?: Array<{ name: string; value: string; prefix?: string }>; childNodes?: P5Node[]; content?: P5Node };

function normalise(v: string): string {
  // What a browser ignores when it reads a URL scheme.
  return v.replace(/[\u0000-\u0020\u007f-\u009f]+/g, '').toLowerCase();
}

function urlProblem(tag: string, value: string): string | null {
  const v = normalise(value);
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(v)?.[1];
  if (!scheme) return null; // relative or fragment
  if (scheme === 'http' || scheme === 'https') return null;
  if (scheme === 'mailto' && tag === 'a') return null;
  if (scheme === 'data' && tag === 'img' && SAFE_DATA_IMAGE.test(v)) return null;
  return `${scheme}: URL`;
}

export function executableConstructs(html: string): string[] {
  const problems: string[] = [];
  const visit = (node: P5Node) => {
    const tag = node.tagName?.toLowerCase();
    if (tag) {
      const attrs = node.attrs ?? [];
      const name = (a: { name: string; prefix?: string }) => (a.prefix ? `${a.prefix}:${a.name}` : a.name).toLowerCase();
      if (FORBIDDEN_ELEMENTS.has(tag)) problems.push(`<${tag}>`);
      if (tag === 'iframe') {
        const src = attrs.find((a) => a.name === 'src')?.value ?? '';
        let host = '';
        try {
          host = new URL(src).hostname;
        } catch {
          /* no valid src */
        }
        if (!IFRAME_HOSTS.has(host) || !src.startsWith('https:')) problems.push(`<iframe src="${src}">`);
        if (!attrs.some((a) => a.name === 'sandbox')) problems.push('<iframe> without sandbox');
      }
      for (const a of attrs) {
        const n = name(a);
        if (n.startsWith('on')) problems.push(`<${tag} ${n}>`);
        if (n === 'style' || n === 'srcdoc' || n === 'formaction' || n === 'is') problems.push(`<${tag} ${n}>`);
        if (n === 'attributename' && /href/i.test(a.value)) problems.push(`<${tag} attributeName=href>`);
        if (URL_ATTRS.has(n)) {
          const p = urlProblem(tag, a.value);
          if (p) problems.push(`<${tag} ${n}=${p}>`);
        }
        if (n === 'srcset') {
          for (const part of a.value.split(',')) {
            const p = urlProblem('img', part.trim().split(/\s+/)[0] ?? '');
            if (p) problems.push(`<${tag} srcset=${p}>`);
          }
        }
        if (/^(?:javascript|vbscript|livescript):/.test(normalise(a.value)) && n !== 'title' && n !== 'alt') problems.push(`<${tag} ${n}=script URL>`);
      }
    }
    for (const c of node.childNodes ?? []) visit(c);
    if (node.content) visit(node.content);
  };
  visit(parseFragment(html) as unknown as P5Node);
  return problems;
}
