/**
 * The key two URLs of one article share: scheme, "www.", fragment, default port and
 * tracking parameters do not tell articles apart (publishers flip http→https and add
 * utm_* to feed links). Query order is normalised; other query parameters stay.
 */
const TRACKING_PARAM = /^(?:utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|igshid|_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|rb_clickid|s_cid|ncid|cmpid|ocid|sr_share|smid|partner|taid|at_medium|at_campaign|at_custom\d|ito|cid|ref_src|ref_url|CMP|__twitter_impression)$/i;

export function canonicalizeUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    // Not a URL (publisher data): the link as written is its own identity.
    return raw.trim();
  }
  url.hash = '';
  url.hostname = url.hostname.toLowerCase();
  if ((url.protocol === 'http:' && url.port === '80') || (url.protocol === 'https:' && url.port === '443')) url.port = '';
  const keep = [...url.searchParams.entries()].filter(([k]) => !TRACKING_PARAM.test(k));
  keep.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  url.search = '';
  for (const [k, v] of keep) url.searchParams.append(k, v);
  return url.href;
}

export function urlKey(raw: string): string {
  return canonicalizeUrl(raw)
    .replace(/^https?:\/\//i, '')
    .replace(/^www\./i, '')
    .replace(/\/$/, '');
}
