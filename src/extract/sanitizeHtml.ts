import sanitize from 'sanitize-html';

/**
 * The one allow-list sanitizer for every piece of HTML Tidings stores or serves (feed
 * summaries and content, extracted articles). Anything not named here is dropped; text of
 * unknown elements is kept, text of script-like elements is not.
 */
const IFRAME_HOSTS = [
  'www.youtube.com',
  'youtube.com',
  'www.youtube-nocookie.com',
  'player.vimeo.com',
  'www.dailymotion.com',
  'embed.ted.com',
  'open.spotify.com',
  'w.soundcloud.com',
  'bandcamp.com',
  'player.twitch.tv',
];

const SAFE_DATA_IMAGE = /^data:image\/(?:png|jpe?g|gif|webp|avif|bmp);base64,[a-z0-9+/=\s]+$/i;
const ALLOWED_CLASSES = ['caption', 'credit'];

function baseOptions(baseUrl: string | null): sanitize.IOptions {
  const resolve = (value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    const v = value.trim();
    if (!v || v.startsWith('#') || !baseUrl) return v;
    try {
      return new URL(v, baseUrl).href;
    } catch {
      return v;
    }
  };
  const resolveSrcset = (srcset: string | undefined): string | undefined =>
    srcset
      ?.split(',')
      .map((part) => {
        const [u, ...rest] = part.trim().split(/\s+/);
        const r = resolve(u);
        return r && /^https?:/i.test(r) ? [r, ...rest].join(' ') : '';
      })
      .filter(Boolean)
      .join(', ');
  return {
    allowedTags: [
      'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code', 'kbd', 'samp', 'var',
      'em', 'strong', 'b', 'i', 'u', 's', 'del', 'ins', 'sub', 'sup', 'small', 'mark', 'q', 'cite', 'abbr', 'dfn',
      'time', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a', 'img', 'figure', 'figcaption', 'picture', 'source',
      'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'colgroup', 'col', 'span', 'div',
      'section', 'article', 'aside', 'header', 'footer', 'details', 'summary', 'video', 'audio', 'track',
      'iframe', 'ruby', 'rt', 'rp', 'bdi', 'bdo', 'wbr', 'address',
    ],
    allowedAttributes: {
      a: ['href', 'title', 'hreflang', 'rel'],
      img: ['src', 'srcset', 'sizes', 'alt', 'title', 'width', 'height'],
      source: ['src', 'srcset', 'sizes', 'type', 'media'],
      video: ['src', 'poster', 'controls', 'width', 'height', 'preload'],
      audio: ['src', 'controls', 'preload'],
      track: ['src', 'kind', 'srclang', 'label'],
      iframe: ['src', 'width', 'height', 'allowfullscreen', 'sandbox', 'title'],
      td: ['colspan', 'rowspan', 'headers'],
      th: ['colspan', 'rowspan', 'scope', 'headers'],
      col: ['span'],
      colgroup: ['span'],
      time: ['datetime'],
      abbr: ['title'],
      q: ['cite'],
      blockquote: ['cite'],
      ol: ['start', 'reversed', 'type'],
      li: ['value'],
      bdo: ['dir'],
      span: ['class'],
      figcaption: ['class'],
      '*': ['lang', 'dir'],
    },
    allowedClasses: { span: ALLOWED_CLASSES, figcaption: ALLOWED_CLASSES },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https', 'data'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'poster'],
    allowProtocolRelative: true,
    allowedIframeHostnames: IFRAME_HOSTS,
    allowIframeRelativeUrls: false,
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'template', 'svg', 'math', 'object', 'embed', 'applet', 'frameset', 'noembed', 'noframes', 'xmp', 'plaintext'],
    disallowedTagsMode: 'discard',
    parseStyleAttributes: false,
    transformTags: {
      a: (tagName, attribs) => {
        const href = resolve(attribs.href);
        const out: Record<string, string> = { ...attribs, rel: 'noopener noreferrer nofollow' };
        if (href) out.href = href;
        else delete out.href;
        return { tagName, attribs: out };
      },
      img: (tagName, attribs) => {
        const out: Record<string, string> = { ...attribs };
        const src = resolve(attribs.src);
        if (src && (/^https?:/i.test(src) || SAFE_DATA_IMAGE.test(src))) out.src = src;
        else delete out.src;
        const srcset = resolveSrcset(attribs.srcset);
        if (srcset) out.srcset = srcset;
        else delete out.srcset;
        return { tagName, attribs: out };
      },
      source: (tagName, attribs) => {
        const out: Record<string, string> = { ...attribs };
        const srcset = resolveSrcset(attribs.srcset);
        if (srcset) out.srcset = srcset;
        else delete out.srcset;
        const src = resolve(attribs.src);
        if (src) out.src = src;
        return { tagName, attribs: out };
      },
      iframe: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, sandbox: 'allow-scripts allow-same-origin allow-presentation', ...(attribs.src ? { src: resolve(attribs.src)! } : {}) },
      }),
      video: (tagName, attribs) => ({ tagName, attribs: { ...attribs, ...(attribs.src ? { src: resolve(attribs.src)! } : {}), ...(attribs.poster ? { poster: resolve(attribs.poster)! } : {}) } }),
      audio: (tagName, attribs) => ({ tagName, attribs: { ...attribs, ...(attribs.src ? { src: resolve(attribs.src)! } : {}) } }),
    },
    exclusiveFilter: (frame) =>
      (frame.tag === 'img' && !frame.attribs.src && !frame.attribs.srcset) || (frame.tag === 'iframe' && !frame.attribs.src),
  };
}

const cache = new Map<string, sanitize.IOptions>();

export function sanitizeHtml(html: string, baseUrl: string | null = null): string {
  if (!html) return '';
  const key = baseUrl ?? '';
  let options = cache.get(key);
  if (!options) {
    options = baseOptions(baseUrl);
    if (cache.size > 256) cache.clear();
    cache.set(key, options);
  }
  return sanitize(html, options).trim();
}
