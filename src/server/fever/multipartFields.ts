/**
 * The plain fields of a multipart/form-data body (some Fever clients post their form that
 * way). Files are not expected and are skipped. The body is already capped by the route's
 * body limit; this walks it once with indexOf, no regular expression over the body.
 */
export function multipartFields(body: string, contentType: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const boundary = boundaryOf(contentType);
  if (!boundary) return fields;
  const parts = body.split(`--${boundary}`);
  for (const part of parts.slice(1)) {
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd).toLowerCase();
    const name = quotedParameter(part.slice(0, headerEnd), headers.indexOf(' name="'));
    if (name === null || headers.includes('filename=')) continue;
    const value = part.slice(headerEnd + 4);
    fields[name] = value.endsWith('\r\n') ? value.slice(0, -2) : value;
  }
  return fields;
}

function boundaryOf(contentType: string): string | null {
  const at = contentType.toLowerCase().indexOf('boundary=');
  if (at < 0) return null;
  let b = contentType.slice(at + 'boundary='.length).split(';')[0]!.trim();
  if (b.startsWith('"') && b.endsWith('"')) b = b.slice(1, -1);
  return b.length > 0 && b.length <= 70 ? b : null;
}

/** The value of ` name="…"` found at `at` in the original (not lower-cased) headers. */
function quotedParameter(headers: string, at: number): string | null {
  if (at < 0) return null;
  const start = at + ' name="'.length;
  const end = headers.indexOf('"', start);
  return end < 0 ? null : headers.slice(start, end);
}
