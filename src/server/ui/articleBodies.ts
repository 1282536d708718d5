/**
 * Article bodies as the page shows them (diff panel, text, link out), kept per article: the
 * same for every reader and every opening until the article changes, while the page around
 * them (marks, neighbours, flash, form token) is the reader's and rendered each time. An
 * entry answers only while the article's stored HTML is the same string and the version
 * (its newest revision, the image proxy key) is the same; anything else renders anew.
 * The most recently used bodies are kept, up to a budget of characters.
 */
export class ArticleBodies {
  private readonly entries = new Map<number, Entry>();
  private chars = 0;

  constructor(private readonly maxChars = 16_000_000) {}

  async body(id: number, version: string, html: string, render: () => Promise<string>): Promise<string> {
    const kept = this.entries.get(id);
    if (kept && kept.version === version && kept.html === html) {
      this.entries.delete(id);
      this.entries.set(id, kept);
      return kept.body;
    }
    const body = await render();
    this.keep(id, { version, html, body });
    return body;
  }

  private keep(id: number, entry: Entry): void {
    this.forget(id);
    const size = entry.html.length + entry.body.length;
    // One huge page would push out everything else for a single reuse.
    if (size > this.maxChars / 8) return;
    this.entries.set(id, entry);
    this.chars += size;
    for (const [oldest] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.forget(oldest);
    }
  }

  private forget(id: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.chars -= entry.html.length + entry.body.length;
  }
}

interface Entry {
  version: string;
  html: string;
  body: string;
}
