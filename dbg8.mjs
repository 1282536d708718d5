import fs from 'node:fs'; import zlib from 'node:zlib';
import { parseHTML } from 'linkedom';
import { decodeBody } from './dist/src/fetch/charset.js';
const gt = JSON.parse(fs.readFileSync('../shared/corpus/article-extraction-benchmark/ground-truth.json','utf8'));
const id = process.argv[2]; const needles = process.argv.slice(3);
const html = decodeBody(zlib.gunzipSync(fs.readFileSync(`../shared/corpus/article-extraction-benchmark/html/${id}.html.gz`))).text;
const { document } = parseHTML(html);
console.log(gt[id].url);
for (const n of needles) {
  const all = [...document.querySelectorAll('*')].filter(e => e.textContent.includes(n) && ![...e.children].some(c => c.textContent.includes(n)));
  for (const e of all.slice(0,2)) { const chain=[]; let x=e; while (x && x.tagName && chain.length<7) { chain.push(x.tagName.toLowerCase()+(x.id?'#'+x.id:'')+(x.getAttribute('class')?'.'+x.getAttribute('class').trim().split(/\s+/).join('.'):'')); x=x.parentElement; } console.log(n.slice(0,30), '<=', chain.join(' < ')); }
}
