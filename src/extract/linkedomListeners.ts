/* eslint-disable @typescript-eslint/no-explicit-any */
import { EventTarget as LinkedomEventTarget, Node as NodeFacade } from 'linkedom';

/**
 * linkedom gives every node it builds (element, text, comment, attribute) an entry of its
 * own in a WeakMap of event listeners, a new Map each, in EventTarget's constructor. A page
 * is tens of thousands of nodes and extraction adds no listener to any: those entries were
 * about a tenth of the extraction's CPU time, and more in the collector (weak entries are
 * the dearest thing it marks). Here a node gets its listener table when it first gets a
 * listener; adding, removing and dispatching work as linkedom's own (same order, `once`,
 * stopImmediatePropagation, bubbling through `_getParent`).
 *
 * Installed once for the process, on linkedom's classes, like linkedomTagNames.ts.
 */

type Listeners = Map<string, Map<unknown, any>>;
const listenersOf = new WeakMap<object, Listeners>();

/** What linkedom's Node constructs through (its `super()`) in place of EventTarget's constructor. */
class ListenerlessTarget {}

let installed = false;

export function installLazyListeners(): void {
  if (installed) return;
  installed = true;
  const nodeClass = Object.getPrototypeOf(NodeFacade);
  // Another linkedom, built some other way: leave it as it is.
  if (Object.getPrototypeOf(nodeClass) !== LinkedomEventTarget) return;
  const proto = LinkedomEventTarget.prototype as any;
  if (typeof proto.dispatchEvent !== 'function' || typeof proto._getParent !== 'function') return;
  Object.setPrototypeOf(nodeClass, ListenerlessTarget);
  proto.addEventListener = addEventListener;
  proto.removeEventListener = removeEventListener;
  proto.dispatchEvent = dispatchEvent;
}

function addEventListener(this: object, type: string, listener: unknown, options?: unknown): void {
  let map = listenersOf.get(this);
  if (!map) listenersOf.set(this, (map = new Map()));
  let listeners = map.get(type);
  if (!listeners) map.set(type, (listeners = new Map()));
  listeners.set(listener, options);
}

function removeEventListener(this: object, type: string, listener: unknown): void {
  const map = listenersOf.get(this);
  const listeners = map?.get(type);
  if (listeners?.delete(listener) && !listeners.size) map!.delete(type);
}

function dispatchEvent(this: any, event: any): boolean {
  event.eventPhase = event.CAPTURING_PHASE;
  // As simplified as linkedom's: the path is the target and its parents when the event bubbles.
  // eslint-disable-next-line @typescript-eslint/no-this-alias -- the walk starts at the target and climbs
  const target = this;
  for (let node = target; node; node = event.bubbles && node._getParent && node._getParent()) {
    if (node.dispatchEvent) event._path.push({ currentTarget: node, target });
  }
  event._path.some(invokeListeners, event);
  event._path = [];
  event.eventPhase = event.NONE;
  return !event.defaultPrevented;
}

function invokeListeners(this: any, { currentTarget, target }: { currentTarget: object; target: object }): boolean | undefined {
  const listeners = listenersOf.get(currentTarget)?.get(this.type);
  if (!listeners) return undefined;
  this.eventPhase = currentTarget === target ? this.AT_TARGET : this.BUBBLING_PHASE;
  this.currentTarget = currentTarget;
  this.target = target;
  for (const [listener, options] of listeners) {
    if (options?.once) listeners.delete(listener);
    if (typeof listener === 'function') listener.call(this.target, this);
    else (listener as any).handleEvent(this);
    if (this._stopImmediatePropagationFlag) break;
  }
  delete this.currentTarget;
  delete this.target;
  return this.cancelBubble;
}
