/** GEM handles in a Map: closing one takes it out of the Map and closes it; the file's release closes the rest. */
import { type Memory } from 'memdesc';
import { GpuBo } from '../lib/gpu-bo.js';

class DrmFile {
  private readonly handles = new Map<number, GpuBo>();

  open(bo: GpuBo): void {
    this.handles.set(bo.handle, bo);
  }

  close(handle: number): boolean {
    const bo = this.handles.get(handle);
    if (bo === undefined) return false;
    this.handles.delete(handle);
    bo.close();
    return true;
  }

  release(): void {
    for (const bo of this.handles.values()) bo.close();
    this.handles.clear();
  }
}

export function run(mem: Memory): void {
  const file = new DrmFile();
  for (const h of [1, 2, 3]) {
    const bo = GpuBo.create(mem, h);
    if (bo !== null) file.open(bo);
  }
  file.close(2);
  file.close(2); // -ENOENT the second time
  file.release();
}
