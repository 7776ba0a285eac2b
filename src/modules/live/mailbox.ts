// A bounded queue between pushers (pub/sub callbacks, timers) and one stream's async generator. It
// never blocks a pusher: past `capacity` the stream has fallen behind and is ended, so one slow client
// cannot make the instance buffer without bound (it resumes from its cursor).
export type Ending = { error: Error | null };

export class Mailbox<T> {
  private readonly items: T[] = [];
  private ending: Ending | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly capacity: number,
    private readonly onOverflow: () => Error,
  ) {}

  get ended(): boolean {
    return this.ending !== null;
  }

  /** False when the item was not queued (ended, or over capacity, which ends the mailbox). */
  push(item: T): boolean {
    if (this.ending) return false;
    if (this.items.length >= this.capacity) {
      this.end(this.onOverflow());
      return false;
    }
    this.items.push(item);
    this.notify();
    return true;
  }

  /** Ends after what is queued: cleanly (null), or with an error the stream reports. First call wins. */
  end(error: Error | null): void {
    if (this.ending) return;
    this.ending = { error };
    this.notify();
  }

  /** The next item, or the ending once the queue is empty; queued items before an error ending are dropped. */
  async next(): Promise<{ item: T } | Ending> {
    for (;;) {
      if (this.ending?.error) return this.ending;
      const item = this.items.shift();
      if (item !== undefined) return { item };
      if (this.ending) return this.ending;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Items still queued (dropped when the stream ends with an error). */
  get size(): number {
    return this.items.length;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
