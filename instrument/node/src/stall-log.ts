import type { StallRecord } from './stall-document.js';

export interface StallPage {
  next: number;
  dropped: number;
  stalls: StallRecord[];
}

/**
 * The last `capacity` stalls, numbered in order. A reader passes the `next` of its previous
 * page as `since`; stalls evicted before any reader got them are counted as dropped.
 */
export class StallLog {
  private readonly held: StallRecord[] = [];
  private nextSeq = 0;
  /** Every seq below this has been handed to a reader. */
  private readUpTo = 0;
  private dropped = 0;

  constructor(private readonly capacity: number) {}

  add(stall: Omit<StallRecord, 'seq'>): StallRecord {
    const record: StallRecord = { seq: this.nextSeq++, ...stall };
    this.held.push(record);
    if (this.held.length > this.capacity) {
      const evicted = this.held.shift();
      if (evicted && evicted.seq >= this.readUpTo) this.dropped++;
    }
    return record;
  }

  /** Stalls with seq >= since (all held ones without it). */
  read(since?: number): StallPage {
    const first = this.held[0]?.seq ?? this.nextSeq;
    const from = Math.max(0, (since ?? first) - first);
    const stalls = this.held.slice(from);
    this.readUpTo = Math.max(this.readUpTo, this.nextSeq);
    return { next: this.nextSeq, dropped: this.dropped, stalls };
  }
}
