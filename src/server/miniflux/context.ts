import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../store/store.js';
import type { User } from '../../model/article.js';
import type { Pipeline } from '../../ingest/pipeline.js';
import { TidingsError } from '../../model/errors.js';

/** What the Miniflux routes share: the store, the clock, the pipeline when this server fetches feeds. */
export interface MinifluxContext {
  store: Store;
  now: () => Date;
  pipeline?: Pipeline;
}

export const minifluxUser = (req: FastifyRequest): User => req.minifluxUser!;

export function fail(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).send({ error_message: message });
}

export const notFound = (reply: FastifyReply) => fail(reply, 404, 'Resource not found');

/** A path id: digits below 2^31, else the resource cannot exist. */
export function pathId(raw: string): number | null {
  return /^\d{1,10}$/.test(raw) && Number(raw) < 2 ** 31 ? Number(raw) : null;
}

/** Clients send JSON under any content type (newsboat: form-encoded); the body is read as JSON whatever it says. */
export function jsonBody(req: FastifyRequest): Record<string, unknown> {
  const raw = typeof req.body === 'string' ? req.body.trim() : '';
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new TidingsError('invalid_input', 'The request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TidingsError('invalid_input', 'The request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

