// An RCU-protected lookup table of sessions. A session is a driver memdesc that is ownable
// (built privately by its creator) and refcounted (shared once published).
import {
  defineMemdesc, memdescAlloc, memdescGet, memdescPut, memdescPage, readRaw, writeRaw,
  intoShared, tryFromShared, memdescFree,
  GFP_KERNEL, type Memory, type ARef, type Owned, type InstanceOf,
} from 'memdesc';
import { Rcu } from './rcu.js';

export const SessionDesc = defineMemdesc({ name: 'tls_session', ownable: true, refcounted: true });
export type Session = InstanceOf<typeof SessionDesc>;
export type OwnedSession = Owned<Session>;
export type SessionRef = ARef<Session>;

export function sessionAlloc(mem: Memory): OwnedSession | null {
  return memdescAlloc(mem, SessionDesc, GFP_KERNEL);
}

export function sessionWriteKey(s: OwnedSession, key: Uint8Array): void {
  writeRaw(memdescPage(s, 0), key, 0);
}

export function sessionReadKey(s: OwnedSession | SessionRef, len: number): Uint8Array {
  const out = new Uint8Array(len);
  readRaw(memdescPage(s, 0), out, 0);
  return out;
}

export class SessionTable {
  private readonly map = new Map<number, SessionRef>();

  constructor(readonly rcu: Rcu) {}

  /** Publishes a session: the table's reference is the one intoShared() made. */
  publish(id: number, ref: SessionRef): boolean {
    if (this.map.has(id)) return false;
    this.map.set(id, ref);
    return true;
  }

  /** rcu_dereference(): a borrow, valid only until the next grace period. */
  lookup(id: number): SessionRef | undefined {
    return this.map.get(id);
  }

  /** lookup + kref_get: a reference the caller must put. */
  lookupGet(id: number): SessionRef | undefined {
    const ref = this.map.get(id);
    return ref === undefined ? undefined : memdescGet(ref);
  }

  /** Unlinks a session; its table reference is put after a grace period. */
  remove(id: number): boolean {
    const ref = this.map.get(id);
    if (ref === undefined) return false;
    this.map.delete(id);
    this.rcu.callRcu(() => memdescPut(ref));
    return true;
  }

  /** Unlinks a session and hands the table's reference to the caller, who must wait a grace period. */
  unlink(id: number): SessionRef | undefined {
    const ref = this.map.get(id);
    if (ref !== undefined) this.map.delete(id);
    return ref;
  }

  ids(): number[] {
    return [...this.map.keys()];
  }

  /** Removes everything and waits for the frees. */
  async shutdown(): Promise<void> {
    for (const id of this.ids()) this.remove(id);
    await this.rcu.barrier();
  }
}

/** Takes a session back from shared to owned if nobody else holds it, else drops the reference. */
export function sessionRetire(ref: SessionRef): boolean {
  const back = tryFromShared(ref);
  if (back.unique) {
    memdescFree(back);
    return true;
  }
  memdescPut(back);
  return false;
}

export { intoShared };
