import type { FastifyInstance } from 'fastify';
import type { Pipeline } from '../ingest/pipeline.js';
import { receivePush, verifyIntent } from '../ingest/webSub.js';
import { ingestPushedFeed } from '../ingest/refreshFeed.js';

/** WebSub callback: GET for the hub's verification of intent, POST for pushed content. */
export async function webSubRoutes(app: FastifyInstance, opts: { pipeline: Pipeline; maxBytes: number }): Promise<void> {
  const p = opts.pipeline;
  // Pushed documents are read as raw bytes: the signature covers the exact body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: opts.maxBytes }, (_req, body, done) => done(null, body));

  app.get<{ Params: { token: string }; Querystring: Record<string, string | undefined> }>('/websub/:token', async (req, reply) => {
    const r = await verifyIntent(p, req.params.token, req.query);
    return reply.code(r.status).type('text/plain; charset=utf-8').send(r.body);
  });

  app.post<{ Params: { token: string } }>('/websub/:token', async (req, reply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const r = await receivePush(p, req.params.token, body, req.headers, (feed, bytes, type) => ingestPushedFeed(p, feed, bytes, type));
    if (!r.accepted && r.reason) req.log.warn({ reason: r.reason }, 'websub push ignored');
    return reply.code(r.status).send();
  });
}
