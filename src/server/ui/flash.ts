/**
 * A message about what the reader just did, shown once at the top of the next page. The
 * server keeps it in the session (never in the URL, where a link could forge one); `code`
 * is the stable error code, shown in small print after the words.
 */
export type Flash = { kind: 'error' | 'ok'; message: string; code?: string; typed?: Record<string, string> };
