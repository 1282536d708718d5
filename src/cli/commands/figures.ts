import { runTextCommand } from './textFacts.js';
import type { Figure } from '../../stories/figures.js';

const USAGE = `
Usage: tidings figures FILE --json
       tidings figures --batch

Prints the figures of a plain-text or HTML article (FILE, or - for standard input):
[{"value", "unit", "qualifier", "text", "attribution", "sentence"}]. --batch reads
{"id","text"} lines on stdin and prints {"id","figures"} lines in order. See docs/stories-cli.md.
`;

export async function run(args: string[]): Promise<void> {
  const { extractFigures } = await import('../../stories/figures.js');
  const contract = (f: Figure) => ({ value: f.value, unit: f.unit, qualifier: f.qualifier, text: f.text, attribution: f.attribution, sentence: f.sentence });
  await runTextCommand(args, USAGE, 'figures', (text) => extractFigures(text).map(contract), (f: ReturnType<typeof contract>) => `${f.text}${f.attribution ? ` — ${f.attribution}` : ''}`);
}
