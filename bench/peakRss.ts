/** Child process for `npm run bench`: parses one file with one parser and reports peak RSS. */
import fs from 'node:fs';
import { feedParsers } from './feedPeers.js';

const [name, file] = process.argv.slice(2);
const parser = (await feedParsers()).find((p) => p.name === name);
if (!parser || !file) {
  process.stderr.write('usage: peakRss.js PARSER FILE\n');
  process.exitCode = 2;
} else {
  const text = fs.readFileSync(file, 'utf8');
  const before = process.memoryUsage().rss;
  const items = await parser.parse(text);
  process.stdout.write(JSON.stringify({ items, baselineMb: before / 1048576, peakMb: process.resourceUsage().maxRSS / 1024 }));
}
