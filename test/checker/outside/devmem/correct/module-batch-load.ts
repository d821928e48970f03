// Boot-time loading of a list of built-in-style modules: each is laid out, relocated and
// initialised; a module whose relocation section is bad is skipped with a warning.
import { type Memory } from 'memdesc';
import { layoutAndAllocate, applyRelocations, freeModuleInit, freeModule, type Module } from '../lib/module.js';

interface ModuleImage {
  name: string;
  core: number;
  init: number;
  relocs: Array<readonly [number, number]>;
}

const images: ModuleImage[] = [
  { name: 'ringbuf_trace', core: 8192, init: 4096, relocs: [[0, 1], [8, 2]] },
  { name: 'broken_reloc', core: 4096, init: 4096, relocs: [[8192, 3]] },
  { name: 'prp_pool', core: 4096, init: 4096, relocs: [[16, 4]] },
];

export function run(mem: Memory): string[] {
  const loaded: Module[] = [];
  const warnings: string[] = [];
  for (const img of images) {
    const mod = layoutAndAllocate(mem, img.name, img.core, img.init);
    if (mod === null) continue;
    if (mod.core === null) {
      freeModule(mod);
      continue;
    }
    if (img.relocs.some(([off]) => off + 4 > img.core)) {
      warnings.push(`${img.name}: relocation out of range, skipped`);
      freeModule(mod);
      continue;
    }
    applyRelocations(mod.core, img.relocs);
    mod.state = 'live';
    freeModuleInit(mod);
    loaded.push(mod);
  }
  // shutdown
  for (const mod of loaded) freeModule(mod);
  return warnings;
}
