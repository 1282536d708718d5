import type { Compilable, CompiledQuery } from 'kysely';
import { TidingsError } from '../model/errors.js';
import type { Db } from './schema.js';

/** Where a run's value goes in a query built once: stands in for that value while it is built. */
class Slot {
  constructor(readonly name: string) {}
}

/**
 * A query built and compiled once per connection, then run with each call's values. Kysely
 * builds and compiles a query anew on every call (~50–100 µs of CPU, more than the lookup
 * itself on the article page). `build` gets stand-ins for the values and must give the
 * same SQL whatever they are: a value may only be compared, bound or limited by, never
 * tested while building. Every value must end up in the query, or building fails.
 */
export function reusableQuery<V extends Record<string, unknown>, R>(build: (db: Db, values: V) => Compilable<R>) {
  const compiled = new WeakMap<Db, CompiledQuery<R>>();
  return async (db: Db, values: V): Promise<R[]> => {
    let query = compiled.get(db);
    if (!query) {
      query = compileWithSlots(db, build);
      compiled.set(db, query);
    }
    const parameters = query.parameters.map((p) => (p instanceof Slot ? values[p.name] : p));
    const { rows } = await db.executeQuery<R>({ ...query, parameters });
    return rows;
  };
}

function compileWithSlots<V extends Record<string, unknown>, R>(db: Db, build: (db: Db, values: V) => Compilable<R>): CompiledQuery<R> {
  const asked = new Set<string>();
  const slots = new Proxy({}, { get: (_t, name) => (asked.add(String(name)), new Slot(String(name))) }) as V;
  const query = build(db, slots).compile();
  const bound = new Set(query.parameters.filter((p): p is Slot => p instanceof Slot).map((p) => p.name));
  const lost = [...asked].filter((name) => !bound.has(name));
  if (lost.length) throw new TidingsError('internal', `a reusable query lost its values: ${lost.join(', ')}`);
  return query;
}
