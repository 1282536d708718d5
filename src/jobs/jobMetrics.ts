import { setJobStatsProvider } from '../log/metrics.js';
import type { JobQueue } from './jobQueue.js';

/**
 * /metrics reads the queue at scrape time: on PostgreSQL every process sees the jobs of
 * all of them. Jobs waiting for a retry count as queued. Returns the way to withdraw it.
 */
export function exposeJobStats(queue: JobQueue): () => void {
  return setJobStatsProvider(async () =>
    (await queue.stats()).kinds.map((k) => ({ kind: k.kind, queued: k.queued + k.retrying, active: k.active, failed: k.failed })),
  );
}
