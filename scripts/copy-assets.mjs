// Copies the non-TypeScript files the compiled code reads (data kept as JSON, the web app's
// stylesheet and script) into dist/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const rel of ['src/extract/siteRules.json', 'src/extract/blockWeights.json', 'src/server/ui/assets/app.css', 'src/server/ui/assets/app.js']) {
  const to = path.join(root, 'dist', rel);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(path.join(root, rel), to);
}
