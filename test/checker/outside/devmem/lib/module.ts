// A module loader after kernel/module/main.c: the core and init sections live in vmalloc space;
// relocations are applied to both; the init section is freed once the module's init returned 0,
// and everything is freed when init fails.
import { vmalloc, vfree, writeRaw, readRaw, type Memory, type VmallocArea } from 'memdesc';

export interface Module {
  name: string;
  core: VmallocArea | null;
  init: VmallocArea | null;
  coreSize: number;
  initSize: number;
  state: 'coming' | 'live' | 'going';
}

/** layout_and_allocate(): both sections, or none. */
export function layoutAndAllocate(mem: Memory, name: string, coreSize: number, initSize: number): Module | null {
  const core = vmalloc(mem, coreSize);
  if (core === null) return null;
  const init = vmalloc(mem, initSize);
  if (init === null) {
    vfree(core);
    return null;
  }
  return { name, core, init, coreSize, initSize, state: 'coming' };
}

/** apply_relocate_add(): patches 32-bit words into a section. */
export function applyRelocations(section: VmallocArea, relocs: ReadonlyArray<readonly [number, number]>): void {
  const word = new Uint8Array(4);
  for (const [off, value] of relocs) {
    new DataView(word.buffer).setUint32(0, value, true);
    writeRaw(section, word, off);
  }
}

export function readWord(section: VmallocArea, off: number): number {
  const word = new Uint8Array(4);
  readRaw(section, word, off);
  return new DataView(word.buffer).getUint32(0, true);
}

/** do_free_init(): the init section goes away once init has run. */
export function freeModuleInit(mod: Module): void {
  if (mod.init !== null) {
    vfree(mod.init);
    mod.init = null;
  }
}

/** free_module(): whatever sections are still there. */
export function freeModule(mod: Module): void {
  freeModuleInit(mod);
  if (mod.core !== null) {
    vfree(mod.core);
    mod.core = null;
  }
  mod.state = 'going';
}
