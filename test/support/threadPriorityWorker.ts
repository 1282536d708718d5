import { getPriority } from 'node:os';

/** For the pool's tests: the nice value of the thread that runs the task (Linux: per thread). */
export default function threadPriority(): { ok: true; value: number } {
  return { ok: true, value: getPriority() };
}
