/**
 * How long `work` took and the longest the event loop went without running a timer
 * meanwhile: work done inline stalls the loop for all of it (longestGap ≈ took).
 */
export async function stallOf(work: () => unknown): Promise<{ took: number; longestGap: number }> {
  let last = performance.now();
  let longestGap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - last);
    last = now;
  }, 5);
  const started = performance.now();
  try {
    await work();
  } finally {
    clearInterval(ticker);
  }
  // The work's promise settles before any timer can run: a stall that ends just now
  // (all of it, inline) is only seen by measuring up to here.
  longestGap = Math.max(longestGap, performance.now() - last);
  return { took: performance.now() - started, longestGap };
}
