/**
 * `struct page` as a type: the block's order is part of it. A page has no refcount and no
 * lifecycle of its own; its owner decides when it dies.
 *
 * @module
 */
import type { Brand } from 'ts-brand';

declare const pageOrder: unique symbol;

/** An order 0..MAX_PAGE_ORDER: a block of 2^Order contiguous pages. */
export type PageOrder = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/**
 * `struct page` — a handle to the head page of a block of `2^Order` pages. On its own it is a
 * borrow-less, owner-less view; see `Owned<Page<O>>` for the owner returned by `allocPages`.
 */
export interface Page<Order extends number = number> {
  /** Phantom: the block's order, known at compile time when the allocation's order was a literal. */
  readonly [pageOrder]: Order;
}

/** A page frame number. */
export type Pfn = Brand<number, 'pfn'>;
