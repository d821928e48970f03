import { allocPage, freePage, GFP_KERNEL, type Memory, type Owned, type Page } from 'memdesc';

class Completion {
  private cb: (() => void) | null = null;
  onDone(cb: () => void): void {
    this.cb = cb;
  }
  complete(): void {
    const cb = this.cb;
    this.cb = null;
    if (cb) cb();
  }
}

function submit(page: Owned<Page<0>>, c: Completion): void {
  c.onDone(() => freePage(page));
}

export function run(mem: Memory): void {
  const c = new Completion();
  const page = allocPage(mem, GFP_KERNEL);
  if (!page) return;
  submit(page, c);
  c.complete();
  c.complete();
}
