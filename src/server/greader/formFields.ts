import type { FastifyRequest } from 'fastify';

/** Values of a field from the query and the form body together (clients split them either way), repeated ones in order. */
export function fieldValues(req: FastifyRequest, name: string): string[] {
  return [...valuesIn(req.query, name), ...valuesIn(req.body, name)];
}

/** The first value of a field, or undefined. */
export function fieldValue(req: FastifyRequest, name: string): string | undefined {
  return fieldValues(req, name)[0];
}

function valuesIn(source: unknown, name: string): string[] {
  if (!source || typeof source !== 'object') return [];
  const v = (source as Record<string, unknown>)[name];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
