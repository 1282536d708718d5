import type { FastifyInstance } from 'fastify';
import type { ClientAuth } from '../clientAuth.js';
import { logError } from '../../log/loggedError.js';
import { greaderLogin } from './loginRoutes.js';
import { registerReaderAuth } from './readerAuth.js';
import { atomRoutes, streamRoutes } from './streamRoutes.js';
import { subscriptionRoutes, type GreaderOptions } from './subscriptionRoutes.js';

/**
 * The Google Reader API (Reeder, NetNewsWire, Fluent Reader, ReadKit, newsboat, Liferea):
 * `POST /accounts/ClientLogin`, then `/reader/api/0/…` and `/reader/atom/…` for the
 * signed-in reader only. Register without a prefix.
 */
export async function greaderApi(app: FastifyInstance, opts: GreaderOptions & { clientAuth: ClientAuth }): Promise<void> {
  await app.register(greaderLogin, { clientAuth: opts.clientAuth });
  await app.register(
    async (reader) => {
      registerReaderAuth(reader, opts.clientAuth);
      reader.setNotFoundHandler((_req, reply) => reply.code(404).type('text/plain; charset=utf-8').send('Error=NotFound\n'));
      reader.setErrorHandler((err: { statusCode?: number }, req, reply) => {
        const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
        if (status === 500) logError(err, 'Google Reader API request failed', { url: req.url.split('?')[0] });
        return reply.code(status).type('text/plain; charset=utf-8').send(status === 500 ? 'Error=Internal\n' : 'Error=BadRequest\n');
      });
      await reader.register(subscriptionRoutes, { ...opts, prefix: '/api/0' });
      await reader.register(streamRoutes, { ...opts, prefix: '/api/0' });
      await reader.register(atomRoutes, opts);
    },
    { prefix: '/reader' },
  );
}
