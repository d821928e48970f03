/** An async `flush()` method reads its page after an await; the owner waits for the flush before `close()`. */
import { allocPage, freePage, GFP_KERNEL, type Memory } from 'memdesc';
import { ioComplete } from '../lib/io.js';
import { checksumPage, fillPage, type DataPage } from '../lib/pages.js';

class Flusher {
  readonly page: DataPage;

  constructor(mem: Memory) {
    const page = allocPage(mem, GFP_KERNEL);
    if (page === null) throw new Error('ENOMEM');
    this.page = page;
    fillPage(page, 0x5a, 16);
  }

  async flush(): Promise<number> {
    await ioComplete();
    return checksumPage(this.page, 16);
  }

  close(): void {
    freePage(this.page);
  }
}

export async function run(mem: Memory): Promise<void> {
  const dev = new Flusher(mem);
  const flushing = dev.flush();
  await flushing;
  dev.close();
}
