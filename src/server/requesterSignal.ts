import type { FastifyRequest } from 'fastify';

/**
 * An AbortSignal that fires when the client of a request goes away (its connection closes),
 * for long work done on its behalf: nobody is left to see the answer. `release` stops
 * watching once the work is done, so a kept-alive connection does not collect listeners.
 */
export function requesterSignal(req: FastifyRequest): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const socket = req.raw.socket;
  const abort = () => controller.abort();
  if (socket.destroyed) abort();
  else socket.once('close', abort);
  return { signal: controller.signal, release: () => socket.off('close', abort) };
}
