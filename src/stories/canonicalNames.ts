import type { Entity, EntityType } from './entities.js';

/**
 * A canonical name for each mention of a story: the longest name of the same type whose
 * words include the mention's words ("Kim" → "Kim Jong Un").
 */
export function canonicalNames(mentions: Pick<Entity, 'text' | 'type'>[]): Map<string, string> {
  const byType = new Map<EntityType, string[]>();
  for (const m of mentions) {
    const list = byType.get(m.type) ?? [];
    if (!list.includes(m.text)) list.push(m.text);
    byType.set(m.type, list);
  }
  const out = new Map<string, string>();
  for (const [type, names] of byType) {
    const longestFirst = [...names].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    for (const name of names) {
      const words = name.split(' ');
      const canon = longestFirst.find((n) => {
        const w = n.split(' ');
        return words.every((x) => w.includes(x));
      });
      out.set(`${type}:${name}`, canon ?? name);
    }
  }
  return out;
}
