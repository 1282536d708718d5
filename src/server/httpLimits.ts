import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyHttpOptions } from 'fastify';
import type { HttpLimits } from '../config.js';

export type { HttpLimits };

/**
 * Limits that keep one client from holding the server: slow or endless requests are cut,
 * idle connections closed, and the number of open connections capped. Node's defaults
 * (and Fastify's) let a request take forever.
 */
export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  idleTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  maxRequestsPerSocket: 1000,
  maxConnections: 1024,
};

/** Body size caps: small by default, larger only where a document is uploaded. */
export const BODY_LIMITS = {
  default: 64 * 1024,
  signIn: 8 * 1024,
  opml: 1024 * 1024,
} as const;

export function serverOptions(limits: HttpLimits): FastifyHttpOptions<Server> {
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return {
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxRequestsPerSocket: limits.maxRequestsPerSocket,
    bodyLimit: BODY_LIMITS.default,
    http: {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout,
      // Node checks the two timeouts above only this often (30 s by default).
      connectionsCheckingInterval: Math.max(50, Math.min(5000, Math.floor(headersTimeout / 4))),
    },
  };
}

/**
 * The connection cap, and a short wait for a new connection's first request: Node starts
 * the headers timeout only at the first byte, so a silent connection would otherwise be
 * held for the whole idle timeout.
 */
export function guardConnections(server: Server, limits: HttpLimits): void {
  server.maxConnections = limits.maxConnections;
  const firstRequestMs = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  server.on('connection', (socket: Socket) => socket.setTimeout(firstRequestMs));
  server.on('request', (req: IncomingMessage) => req.socket.setTimeout(limits.idleTimeoutMs));
}
