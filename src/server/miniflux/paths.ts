/**
 * A Miniflux client given a server URL with a trailing slash asks for `//v1/…` (newsboat
 * does). Only those leading slashes are folded; the rest of the path is left as sent, and
 * never read as a URL (`new URL('//v1/…', base)` would take `v1` for a host).
 */
export function minifluxPath(url: string): string {
  return /^\/{2,}v1\//.test(url) ? url.replace(/^\/+/, '/') : url;
}
