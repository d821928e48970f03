import { defineMemdesc, memdescAlloc, memdescGet, memdescPut, memdescAddress, writeRaw, GFP_KERNEL, type Memory, type ARef, type InstanceOf } from 'memdesc';

const Node = defineMemdesc({ name: 'p30_node', refcounted: true });
type NodeRef = ARef<InstanceOf<typeof Node>>;

class Graph {
  private readonly nodes: NodeRef[] = [];
  private readonly edges: [NodeRef, NodeRef][] = [];
  add(mem: Memory): NodeRef | null {
    const n = memdescAlloc(mem, Node, GFP_KERNEL);
    if (!n) return null;
    this.nodes.push(n);
    return n;
  }
  link(a: NodeRef, b: NodeRef): void {
    this.edges.push([memdescGet(a), memdescGet(b)]);
  }
  destroy(): void {
    for (const [a, b] of this.edges) {
      memdescPut(a);
      memdescPut(b);
    }
    for (const n of this.nodes) memdescPut(n);
    this.edges.length = 0;
    this.nodes.length = 0;
  }
}

export function run(mem: Memory): void {
  const g = new Graph();
  const a = g.add(mem);
  const b = g.add(mem);
  if (a && b) {
    g.link(a, b);
    writeRaw(memdescAddress(a), new Uint8Array([1]), 0);
  }
  g.destroy();
}
