import { escapeAttr, escapeText, xmlChars } from '../../html/escape.js';

/** Text content of an XML element: escaped, with what XML forbids dropped (so `]]>`, `<script>` and controls stay harmless). */
export function xmlText(s: string): string {
  return escapeText(xmlChars(s));
}

/** A double-quoted XML attribute value. */
export function xmlAttr(s: string): string {
  return escapeAttr(xmlChars(s));
}

/** `<name>text</name>`. */
export function element(name: string, text: string): string {
  return `<${name}>${xmlText(text)}</${name}>`;
}
