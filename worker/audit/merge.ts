/**
 * A k-way merge of time-ordered shard pages into one time-ordered stream.
 *
 * Each shard of a day is read page by page through a cursor; the merge keeps one page per shard
 * in memory (never the whole range) and asks a shard for its next page only when its current one
 * is used up. A small binary heap picks the next event among the shards' heads, so a day with k
 * shards costs O(log k) per event.
 */
import type { AuditCursor, AuditEvent } from "./event";
import { compareEvents } from "./event";

/** One shard, read page by page. */
export interface PageSource {
  /** The page after `after` (from the start when undefined); `next` is null on the last page. */
  read(after: AuditCursor | undefined): Promise<{ events: AuditEvent[]; next: AuditCursor | null }>;
}

interface Head {
  events: AuditEvent[];
  index: number;
  next: AuditCursor | null;
  source: PageSource;
}

const headEvent = (h: Head): AuditEvent => h.events[h.index] as AuditEvent;

/** A binary min-heap of shard heads ordered by their current event. */
class HeadHeap {
  private readonly items: Head[] = [];

  get size(): number {
    return this.items.length;
  }

  push(head: Head): void {
    const items = this.items;
    items.push(head);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.less(i, parent)) {
        this.swap(i, parent);
        i = parent;
      } else break;
    }
  }

  pop(): Head | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let min = i;
        if (l < items.length && this.less(l, min)) min = l;
        if (r < items.length && this.less(r, min)) min = r;
        if (min === i) break;
        this.swap(i, min);
        i = min;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    return compareEvents(headEvent(this.items[a] as Head), headEvent(this.items[b] as Head)) < 0;
  }

  private swap(a: number, b: number): void {
    const items = this.items;
    [items[a], items[b]] = [items[b] as Head, items[a] as Head];
  }
}

/** Loads pages of `head` until it has an event or is exhausted; false when exhausted. */
async function fill(head: Head): Promise<boolean> {
  while (head.index >= head.events.length) {
    if (head.next === null) return false;
    const page = await head.source.read(head.next);
    head.events = page.events;
    head.index = 0;
    head.next = page.next;
  }
  return true;
}

/** Every event of `sources` strictly after `start`, in (ts, id) order. */
export async function* mergeSources(
  sources: readonly PageSource[],
  start?: AuditCursor,
): AsyncGenerator<AuditEvent> {
  const heap = new HeadHeap();
  const firstPages = await Promise.all(sources.map((source) => source.read(start)));
  for (const [i, page] of firstPages.entries()) {
    const head: Head = { events: page.events, index: 0, next: page.next, source: sources[i] as PageSource };
    if (await fill(head)) heap.push(head);
  }
  for (;;) {
    const head = heap.pop();
    if (!head) return;
    yield headEvent(head);
    head.index += 1;
    if (await fill(head)) heap.push(head);
  }
}
