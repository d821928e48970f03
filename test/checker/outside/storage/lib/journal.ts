/**
 * A jbd2-like journal: buffer heads are a kmalloc'd header plus a data page; a transaction owns
 * the buffer heads added to it until it commits or aborts.
 */
import {
  kmalloc, kfree, allocPage, freePage, writeRaw, readRaw, GFP_KERNEL, __GFP_ZERO, gfp,
  type Memory, type KmallocPtr, type Owned, type Page,
} from 'memdesc';

export interface BufferHead {
  readonly block: number;
  head: KmallocPtr;
  data: Owned<Page<0>>;
}

/** getblk(): a buffer head for a block, or null. */
export function getblk(mem: Memory, block: number): BufferHead | null {
  const head = kmalloc(mem, 96, GFP_KERNEL);
  if (head === null) return null;
  const data = allocPage(mem, gfp(GFP_KERNEL, __GFP_ZERO));
  if (data === null) {
    kfree(head);
    return null;
  }
  writeRaw(head, new Uint8Array([block & 0xff]), 0);
  return { block, head, data };
}

/** brelse(): frees the buffer head and its page. */
export function brelse(bh: BufferHead): void {
  kfree(bh.head);
  freePage(bh.data);
}

export function bhWrite(bh: BufferHead, bytes: Uint8Array): void {
  writeRaw(bh.data, bytes, 0);
}

export function bhRead(bh: BufferHead, dst: Uint8Array): void {
  readRaw(bh.data, dst, 0);
}

export class Transaction {
  readonly bhs: BufferHead[] = [];
  committed = false;
  constructor(readonly tid: number) {}

  /** journal_get_write_access(): the transaction owns bh from now on. */
  add(bh: BufferHead): void {
    this.bhs.push(bh);
  }
}

export class Journal {
  private nextTid = 1;
  readonly log: number[] = [];
  constructor(private readonly mem: Memory) {}

  start(): Transaction {
    return new Transaction(this.nextTid++);
  }

  /** Commits: writes each block's first byte to the log and releases every buffer head. */
  commit(tx: Transaction): void {
    const b = new Uint8Array(1);
    for (const bh of tx.bhs) {
      bhRead(bh, b);
      this.log.push(bh.block, b[0]!);
      brelse(bh);
    }
    tx.bhs.length = 0;
    tx.committed = true;
  }

  /** Aborts: releases every buffer head without logging. */
  abort(tx: Transaction): void {
    for (const bh of tx.bhs) brelse(bh);
    tx.bhs.length = 0;
  }

  getblk(block: number): BufferHead | null {
    return getblk(this.mem, block);
  }
}
