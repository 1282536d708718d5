import fs from 'node:fs'; import zlib from 'node:zlib';
import { extractArticle } from './dist/src/extract/extractArticle.js';
import { decodeBody } from './dist/src/fetch/charset.js';
const gt = JSON.parse(fs.readFileSync('../shared/corpus/article-extraction-benchmark/ground-truth.json','utf8'));
const id = process.argv[2];
const html = decodeBody(zlib.gunzipSync(fs.readFileSync(`../shared/corpus/article-extraction-benchmark/html/${id}.html.gz`))).text;
const a = extractArticle(html, gt[id]?.url ?? 'http://x/');
const tnorm = gt[id].articleBody.replace(/\s+/g,' ');
for (const line of a.text.split('\n').filter(Boolean)) { if (!tnorm.includes(line.replace(/\s+/g,' ').slice(0,60))) console.log('EXTRA:', line.slice(0,140)); }
