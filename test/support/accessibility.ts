import type { Page } from 'playwright-core';

/**
 * WCAG 2.1 AA checks that a page can be held to mechanically: text contrast of every
 * visible text element against the page background (4.5:1, 3:1 for large text), a label
 * for every form field, a name for every button and link.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length >= 3 && (c.length < 4 || c[3]! > 0.5)) return c;
      }
      return rgb(getComputedStyle(document.body).backgroundColor);
    };
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const text = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent!.trim());
      const style = getComputedStyle(el);
      if (!text || style.visibility === 'hidden' || style.display === 'none' || (el as HTMLElement).offsetParent === null) continue;
      const fg = lum(rgb(style.color));
      const bg = lum(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)} for <${el.tagName.toLowerCase()}> "${el.textContent!.trim().slice(0, 30)}"`);
    }
    for (const input of Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))) {
      const id = input.getAttribute('id');
      if (!(id && document.querySelector(`label[for="${id}"]`)) && !input.getAttribute('aria-label')) problems.push(`unlabelled ${input.outerHTML.slice(0, 60)}`);
    }
    for (const el of Array.from(document.querySelectorAll('button, a[href]'))) {
      if (!el.textContent!.trim() && !el.getAttribute('aria-label')) problems.push(`nameless ${el.outerHTML.slice(0, 60)}`);
    }
    return problems;
  });
}
