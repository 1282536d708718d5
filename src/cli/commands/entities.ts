import { runTextCommand } from './textFacts.js';
import type { Entity } from '../../stories/entities.js';

const USAGE = `
Usage: tidings entities FILE --json
       tidings entities --batch

Prints the people, places and organisations of a plain-text or HTML article (FILE, or -
for standard input): [{"text", "type", "start", "end"}], type person|place|organization,
offsets in UTF-16 code units of the text (of the HTML's text for HTML input). --batch
reads {"id","text"} lines on stdin and prints {"id","entities"} lines. See docs/stories-cli.md.
`;

export async function run(args: string[]): Promise<void> {
  const { extractEntities } = await import('../../stories/entities.js');
  await runTextCommand(args, USAGE, 'entities', extractEntities, (e: Entity) => `${e.type.padEnd(12)} ${e.text}`);
}
