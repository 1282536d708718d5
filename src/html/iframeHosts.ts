/**
 * The players an article may embed. One list for both ends: the sanitizer keeps an iframe
 * only when its https address is on one of these hosts, and the pages' Content-Security-Policy
 * (`frame-src`) lets the browser load exactly these, so an embed that survives sanitizing
 * also plays, and nothing else can be framed.
 */
export const IFRAME_HOSTS: readonly string[] = Object.freeze([
  'www.youtube.com', 'youtube.com', 'www.youtube-nocookie.com', 'player.vimeo.com', 'www.dailymotion.com',
  'embed.ted.com', 'open.spotify.com', 'w.soundcloud.com', 'bandcamp.com', 'player.twitch.tv',
]);

/** The CSP source list for `frame-src`. */
export function frameSources(): string {
  return IFRAME_HOSTS.map((h) => `https://${h}`).join(' ');
}
