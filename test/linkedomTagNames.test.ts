import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOMParser, parseHTML } from 'linkedom';
import { installTagNameCache } from '../src/extract/linkedomTagNames.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

test('tag names with the cache installed: upper case in HTML, as written in XML', () => {
  installTagNameCache();
  const { document } = parseHTML('<html><body><div><p>a</p><my-widget></my-widget></div></body></html>') as any;
  const names = [...document.body.querySelectorAll('*')].map((e: any) => [e.tagName, e.nodeName]);
  assert.deepEqual(names, [['DIV', 'DIV'], ['P', 'P'], ['MY-WIDGET', 'MY-WIDGET']]);
  assert.equal(document.createElement('section').tagName, 'SECTION');
  assert.equal(document.createElement('DIV').tagName, 'DIV');
  assert.equal(document.body.firstChild.firstChild.firstChild.nodeName, '#text', 'text nodes keep their name');
  const xml = new DOMParser().parseFromString('<feed><entryItem><Title>x</Title></entryItem></feed>', 'text/xml') as any;
  const item = xml.documentElement.firstElementChild;
  assert.equal(item.tagName, 'entryItem');
  assert.equal(item.firstElementChild.nodeName, 'Title');
});

test('tag names past the cache\'s size are still upper-cased', () => {
  installTagNameCache();
  const tags = Array.from({ length: 700 }, (_, i) => `x-tag${i}`);
  const { document } = parseHTML(`<html><body>${tags.map((t) => `<${t}></${t}>`).join('')}</body></html>`) as any;
  const got = [...document.body.children].map((e: any) => e.tagName);
  assert.deepEqual(got, tags.map((t) => t.toUpperCase()));
});
