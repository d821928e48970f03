import { defineMemdesc, memdescAlloc, memdescGet, memdescPut, GFP_KERNEL, type Memory, type ARef, type InstanceOf } from 'memdesc';

const Cfg = defineMemdesc({ name: 'p36_cfg', refcounted: true });
type CfgRef = ARef<InstanceOf<typeof Cfg>>;

class Holder {
  cfg: CfgRef | null = null;
  attach(c: CfgRef): void {
    this.cfg = memdescGet(c);
  }
  detach(): void {
    if (this.cfg) memdescPut(this.cfg);
    this.cfg = null;
  }
}

export function run(mem: Memory): void {
  const c = memdescAlloc(mem, Cfg, GFP_KERNEL);
  if (!c) return;
  const a = new Holder();
  const b = new Holder();
  a.attach(c);
  b.attach(c);
  memdescPut(c);
  a.detach();
  b.detach();
  b.detach();
}
