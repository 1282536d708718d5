import fs from 'node:fs';
import { parseHTML } from 'linkedom';
import { extractArticle } from './dist/src/extract/extractArticle.js';
const p = process.argv[2];
const html = fs.readFileSync(`../shared/corpus/readability/test-pages/${p}/source.html`, 'utf8');
const exp = fs.readFileSync(`../shared/corpus/readability/test-pages/${p}/expected.html`, 'utf8');
const { document } = parseHTML(exp);
const norm = (s) => s.replace(/\s+/g, ' ');
const a = extractArticle(html, 'http://fakehost/test/page.html');
const ours = norm(a.text);
for (const el of document.querySelectorAll('p, li, h2, h3, figcaption, pre')) { const t = norm(el.textContent).trim(); if (t.length > 3 && !ours.includes(t.slice(0, 50))) { console.log('MISSING:', el.tagName, t.slice(0, 120)); } }
