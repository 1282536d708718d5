/**
 * Items in the order they came, each with a time that never decreases: the oldest leave
 * first once older than a bound. Memory follows what the bound holds.
 */
export class AgeQueue<T> {
  private items: T[] = [];
  private times: number[] = [];
  private head = 0;

  push(item: T, at: number): void {
    this.items.push(item);
    this.times.push(at);
  }

  /** Hands each item from before `before` to `leave`, oldest first, and forgets it. */
  drop(before: number, leave: (item: T) => void): void {
    while (this.head < this.items.length && this.times[this.head]! < before) leave(this.items[this.head++]!);
    // Gone items leave the arrays in one splice once they are most of them.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.times.splice(0, this.head);
      this.head = 0;
    }
  }
}
