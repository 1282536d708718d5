/**
 * Open stories by indexed term, for the candidate walk: each term lists the numbers of the
 * stories indexed under it, oldest indexed first, at most `perTerm` (the first is dropped).
 *
 * A walk reads thousands of entries per placement. Numbers in arrays, with the walk's
 * counters in typed arrays indexed by number, keep it to a few small arrays; a Set of
 * story objects with counters in each object sent it all over the heap.
 */
export class TermIndex<T> {
  private readonly lists = new Map<string, number[]>();
  private items: (T | null)[] = [];
  private readonly free: number[] = [];
  /** The walk that last reached a number, and how many of its terms that walk met. */
  private seenBy = new Int32Array(1024);
  private shared = new Int32Array(1024);
  private walks = 0;

  constructor(private readonly perTerm: number) {}

  /** A number for `item` (a freed one first), to list under terms. */
  enter(item: T): number {
    const n = this.free.pop() ?? this.items.length;
    this.items[n] = item;
    if (n >= this.seenBy.length) this.grow();
    this.seenBy[n] = 0;
    return n;
  }

  /** Frees number `n`; it must be listed under no term any more. */
  leave(n: number): void {
    this.items[n] = null;
    this.free.push(n);
  }

  item(n: number): T {
    return this.items[n]!;
  }

  /** Lists `n` last under each term (it is under none of them now). */
  add(n: number, terms: readonly string[]): void {
    for (const t of terms) {
      const list = this.lists.get(t);
      if (!list) this.lists.set(t, [n]);
      else if (list.push(n) > this.perTerm) list.shift();
    }
  }

  remove(n: number, terms: readonly string[]): void {
    for (const t of terms) {
      const list = this.lists.get(t);
      const at = list ? list.indexOf(n) : -1;
      if (at < 0) continue;
      list!.splice(at, 1);
      if (!list!.length) this.lists.delete(t);
    }
  }

  /**
   * The numbers listed under `terms` (but `except`), in the order first reached, each
   * with how many of the terms it is under (see `mostShared`). `keep(n)` is asked once per
   * number reached; when false the number is left out, and `keep` may have removed it.
   */
  walk(terms: Iterable<string>, except: number, keep: (n: number) => boolean): number[] {
    const walk = ++this.walks;
    const { seenBy, shared } = this;
    const found: number[] = [];
    for (const t of terms) {
      const list = this.lists.get(t);
      if (!list) continue;
      for (let i = 0; i < list.length; i++) {
        const n = list[i]!;
        if (n === except) continue;
        if (seenBy[n] === walk) {
          shared[n]++;
          continue;
        }
        seenBy[n] = walk;
        shared[n] = 1;
        if (keep(n)) found.push(n);
        // Removed by `keep`: the next entry moved into its place.
        else if (list[i] !== n) i--;
      }
    }
    return found;
  }

  /**
   * The `limit` numbers of the last walk's `found` under the most of its terms (ties in
   * the order found), in linear time: a count per number of shared terms gives the cut.
   */
  mostShared(found: number[], limit: number): number[] {
    if (found.length <= limit) return found;
    const shared = this.shared;
    const perCount: number[] = [];
    for (const n of found) perCount[shared[n]!] = (perCount[shared[n]!] ?? 0) + 1;
    let cut = perCount.length - 1;
    let above = 0;
    while (cut > 0 && above + (perCount[cut] ?? 0) < limit) above += perCount[cut--] ?? 0;
    let ties = limit - above;
    return found.filter((n) => shared[n]! > cut || (shared[n] === cut && ties-- > 0));
  }

  private grow(): void {
    const size = this.seenBy.length * 2;
    const [seenBy, shared] = [new Int32Array(size), new Int32Array(size)];
    seenBy.set(this.seenBy);
    shared.set(this.shared);
    this.seenBy = seenBy;
    this.shared = shared;
  }
}
