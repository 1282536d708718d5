/**
 * A turn of the event loop for the web server once a stretch of work has run `sliceMs`.
 * Store calls on SQLite resolve without any I/O, so a loop of awaited queries (one per
 * item of a feed) would otherwise hold the loop from its first query to its last.
 */
export function turnTaker(sliceMs = 4): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}
