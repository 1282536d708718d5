import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventTarget as LinkedomEventTarget, Node as NodeFacade, parseHTML } from 'linkedom';
import { installLazyListeners } from '../src/extract/linkedomListeners.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

test('linkedom nodes are built without a listener table each', () => {
  installLazyListeners();
  const nodeClass = Object.getPrototypeOf(NodeFacade);
  assert.notEqual(Object.getPrototypeOf(nodeClass), LinkedomEventTarget, "Node's super() no longer runs EventTarget's constructor");
  const { document } = parseHTML('<html><body><p id="p">a</p></body></html>') as any;
  assert.ok(document.getElementById('p') instanceof LinkedomEventTarget, 'nodes are still EventTargets');
});

test('listeners with the lazy tables: bubbling, once, removal, handleEvent, stopImmediatePropagation', () => {
  installLazyListeners();
  const { document, Event } = parseHTML('<html><body><div id="outer"><p id="inner">a</p></div></body></html>') as any;
  const outer = document.getElementById('outer');
  const inner = document.getElementById('inner');
  const seen: string[] = [];
  const onInner = (e: any) => seen.push(`inner:${e.type}:${e.eventPhase === e.AT_TARGET ? 'target' : 'other'}`);
  inner.addEventListener('ping', onInner);
  inner.addEventListener('ping', () => seen.push('inner-once'), { once: true });
  outer.addEventListener('ping', { handleEvent: (e: any) => seen.push(`outer:${e.target.id}:${e.eventPhase === e.BUBBLING_PHASE ? 'bubbling' : 'other'}`) });
  assert.equal(inner.dispatchEvent(new Event('ping', { bubbles: true })), true);
  inner.dispatchEvent(new Event('ping'));
  assert.deepEqual(seen, ['inner:ping:target', 'inner-once', 'outer:inner:bubbling', 'inner:ping:target']);

  seen.length = 0;
  inner.removeEventListener('ping', onInner);
  inner.addEventListener('ping', (e: any) => {
    seen.push('first');
    e.stopImmediatePropagation();
  });
  inner.addEventListener('ping', () => seen.push('never'));
  inner.dispatchEvent(new Event('ping'));
  assert.deepEqual(seen, ['first']);

  seen.length = 0;
  document.createElement('span').dispatchEvent(new Event('ping'));
  document.body.onclick = () => seen.push('onclick');
  document.body.click();
  assert.deepEqual(seen, ['onclick'], 'level-0 handlers go through the same tables');
});
