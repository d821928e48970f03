// A module parameter whose setter clamps to a default table of the module's init section
// (__initdata). After a successful init the init section is freed, so the limit is copied into
// the core section at load time and a later write through sysfs reads that copy.
import { type Memory } from 'memdesc';
import { layoutAndAllocate, applyRelocations, readWord, freeModuleInit, freeModule } from '../lib/module.js';

interface ParamOps {
  name: string;
  set: (value: number) => number;
}

export function run(mem: Memory): number[] {
  const mod = layoutAndAllocate(mem, 'rdma_fake', 2 * 4096, 4096);
  if (mod === null) return [];
  const { core, init } = mod;
  if (core === null || init === null) {
    freeModule(mod);
    return [];
  }
  applyRelocations(init, [[0, 64], [4, 4096]]); // defaults: min, max queue depth
  applyRelocations(core, [[0, 128], [4, readWord(init, 4)]]); // core copy of the max

  const depths: number[] = [];
  const queueDepth: ParamOps = {
    name: 'queue_depth',
    set: (value) => {
      const max = readWord(core, 4);
      const v = Math.min(value, max);
      applyRelocations(core, [[0, v]]);
      return v;
    },
  };
  depths.push(queueDepth.set(256)); // modprobe rdma_fake queue_depth=256
  mod.state = 'live';
  freeModuleInit(mod);

  // echo 8192 > /sys/module/rdma_fake/parameters/queue_depth
  depths.push(queueDepth.set(8192));
  freeModule(mod);
  return depths;
}
