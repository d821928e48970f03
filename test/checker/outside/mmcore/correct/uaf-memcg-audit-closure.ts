// memcg pressure test: a job charges a burst of folios; an audit callback registered for the
// newest folio checks its contents before the burst's reclaim pass runs.
import { readRaw, PAGE_SIZE, type Memory } from 'memdesc';
import { MemCgroup, type CgFolio } from '../lib/memcg.js';

type Audit = () => number;

function auditFor(folio: CgFolio): Audit {
  return () => {
    const buf = new Uint8Array(PAGE_SIZE);
    readRaw(folio, buf, 0);
    return buf.reduce((a, b) => a + b, 0);
  };
}

export function run(mem: Memory): void {
  const cg = new MemCgroup(mem, 'batch', 3);
  const audits: Audit[] = [];
  for (let i = 0; i < 2; i++) cg.allocCharged();
  const first = cg.newest();
  if (first !== undefined) audits.push(auditFor(first));
  for (let i = 0; i < 4; i++) cg.allocCharged();
  let sum = 0;
  for (const audit of audits) sum += audit();
  audits.length = 0;
  const reclaimed = cg.reclaim();
  console.log(`memcg ${cg.name}: reclaimed ${reclaimed}, usage ${cg.usage}, audit ${sum}`);
  cg.destroy();
}
