/**
 * Publisher ("source") and section from what a feed and its site say. A feed titled
 * "World News | New York Post" on a site whose og:site_name is "New York Post" is source
 * "New York Post", section "World News".
 */
const SEPARATOR = /\s+[|–—\-:»>·•]\s+|\s*[|»>]\s*/;

export interface SourceAndSection {
  source: string;
  section: string | null;
  /** 'site' when the publisher's own name decided it, else 'feed'. */
  from: 'site' | 'feed';
}

export function deriveSourceAndSection(feedTitle: string | null, siteName: string | null, siteUrl: string | null): SourceAndSection {
  const title = tidy(feedTitle);
  const site = tidy(siteName);
  const parts = title ? title.split(SEPARATOR).map((p) => p.trim()).filter(Boolean) : [];
  if (site) {
    const key = compact(site);
    const idx = parts.findIndex((p) => compact(p) === key);
    if (idx >= 0) {
      const rest = parts.filter((_, i) => i !== idx);
      return { source: site, section: rest.length ? rest.join(' - ') : null, from: 'site' };
    }
    if (title && compact(title).startsWith(key) && compact(title) !== key) {
      const section = title.slice(site.length).replace(/^[\s|–—\-:»>·•]+/, '').trim();
      return { source: site, section: section || null, from: 'site' };
    }
    if (title && compact(title) !== key && !compact(title).includes(key) && !key.includes(compact(title))) {
      return { source: site, section: title, from: 'site' };
    }
    return { source: site, section: null, from: 'site' };
  }
  if (!title) return { source: hostLabel(siteUrl) ?? 'Unknown source', section: null, from: 'feed' };
  const label = hostLabel(siteUrl);
  if (parts.length > 1 && label) {
    const idx = parts.findIndex((p) => matchesHost(p, label));
    if (idx >= 0) {
      const rest = parts.filter((_, i) => i !== idx);
      return { source: parts[idx]!, section: rest.join(' - ') || null, from: 'feed' };
    }
  }
  return { source: title, section: null, from: 'feed' };
}

function tidy(s: string | null | undefined): string | null {
  const t = s?.replace(/\s+/g, ' ').trim();
  return t ? t : null;
}

function compact(s: string): string {
  return s
    .toLowerCase()
    .replace(/\.(?:com|co\.uk|org|net|news)$/, '')
    .replace(/^the\s+/, '')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

function matchesHost(part: string, label: string): boolean {
  const c = compact(part);
  if (!c) return false;
  if (c.includes(label) || label.includes(c)) return true;
  const initials = part
    .split(/\s+/)
    .map((w) => w[0]?.toLowerCase() ?? '')
    .join('');
  // "New York Post" ↔ nypost.com: initials of all but the last word, then the last word.
  const words = part.toLowerCase().split(/\s+/).filter(Boolean);
  const mixed = words.length > 1 ? words.slice(0, -1).map((w) => w[0]).join('') + words[words.length - 1] : '';
  return initials === label || mixed === label;
}

/** "nypost" from https://www.nypost.com/…, "bbc" from bbc.co.uk. */
export function hostLabel(url: string | null): string | null {
  if (!url) return null;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    // An address that does not parse has no host to name the source by.
    return null;
  }
  const labels = host.replace(/^www\d*\./, '').split('.');
  if (labels.length < 2) return labels[0] || null;
  labels.pop();
  if (labels.length >= 2 && ['co', 'com', 'org', 'net', 'gov', 'ac', 'edu', 'ne', 'or'].includes(labels[labels.length - 1]!)) labels.pop();
  return labels[labels.length - 1] ?? null;
}
