// insmod of a module whose init returns -ENODEV: the loader must free both sections exactly once.
import { vfree, type Memory } from 'memdesc';
import { layoutAndAllocate, applyRelocations, readWord, freeModule } from '../lib/module.js';

function moduleInit(probe: number): number {
  return probe === 0 ? -19 /* -ENODEV */ : 0;
}

export function run(mem: Memory): number {
  const mod = layoutAndAllocate(mem, 'nvme_fake', 3 * 4096, 4096);
  if (mod === null) return -12;
  const { core, init } = mod;
  if (core === null || init === null) {
    freeModule(mod);
    return -22;
  }
  applyRelocations(core, [[0, 0xdeadbeef], [64, 0x1000]]);
  applyRelocations(init, [[0, 0x2000]]);

  const ret = moduleInit(readWord(init, 4));
  if (ret !== 0) {
    // init failed: drop the init section, then the module
    vfree(init); // expect-also: double-free
    freeModule(mod); // expect: double-free
    return ret;
  }
  mod.state = 'live';
  freeModule(mod);
  return 0;
}
