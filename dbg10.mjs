import fs from 'node:fs'; import zlib from 'node:zlib';
import { extractArticle } from './dist/src/extract/extractArticle.js';
import { decodeBody } from './dist/src/fetch/charset.js';
const gt = JSON.parse(fs.readFileSync('../shared/corpus/article-extraction-benchmark/ground-truth.json','utf8'));
const id = process.argv[2];
const html = decodeBody(zlib.gunzipSync(fs.readFileSync(`../shared/corpus/article-extraction-benchmark/html/${id}.html.gz`))).text;
const a = extractArticle(html, gt[id]?.url ?? 'http://x/');
const ours = a.text.replace(/\s+/g,' ');
for (const para of gt[id].articleBody.split(/\n+/)) { const p = para.replace(/\s+/g,' ').trim(); if (p && !ours.includes(p.slice(0, 50))) console.log('MISSING:', p.slice(0, 150)); }
