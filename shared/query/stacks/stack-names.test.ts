import { describe, it, expect } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readFixture } from '../../test-support/fixtures.ts';
import { parsePprof } from '../../ingest/pprof/parse-pprof.ts';
import { parseLegacyProfile } from '../../ingest/pprof-legacy/parse-legacy.ts';
import { displayName, goGenericShort } from './stack-names.ts';
import { topTable } from './top-table.ts';
import { buildCallTree, type FlameNode } from './call-tree.ts';

const real = (name: string) => readFileSync(fileURLToPath(new URL(`./testdata/go-real/${name}`, import.meta.url)));
const funcNames = (m: ReturnType<typeof parsePprof>['model']) => new Set(Array.from(m.stacks.frameFunc, (x) => m.stacks.strings[x]!));

describe('display names', () => {
  it("shortens generic shapes exactly as Go's own text profile prints them", () => {
    // The same heap profile, written by Go as protobuf (shapes) and as debug=1 text (Go's printer).
    const proto = funcNames(parsePprof(gunzipSync(real('heap.pb.gz'))).model);
    const text = funcNames(parseLegacyProfile(gunzipSync(real('heap-debug1.txt.gz'))).model);
    const generic = [...proto].filter((n) => n.includes('[go.shape.'));
    expect(generic.length).toBeGreaterThan(3);
    for (const n of generic) expect(text.has(goGenericShort(n)), n).toBe(true);
    expect(goGenericShort('main.(*List[go.shape.string]).Push')).toBe('main.(*List[...]).Push');
  });

  it('drops the import path of names it shortens, as pprof views do (hkdf.Expand[...])', () => {
    expect(displayName('crypto/internal/fips140/hkdf.Expand[go.shape.func() hash.Hash]')).toBe('hkdf.Expand[...]');
    expect(displayName('crypto/internal/fips140/hkdf.Expand[...]')).toBe('hkdf.Expand[...]');
    expect(displayName('github.com/x/y/v2/z.Map[go.shape.int,go.shape.string]')).toBe('z.Map[...]');
    expect(displayName('slices.AppendSeq[go.shape.[]go.shape.[]string,go.shape.[]string]-range1')).toBe('slices.AppendSeq[...]-range1');
  });

  it('shortens C++ and Rust template arguments and parameters, keeps everything else as it is', () => {
    expect(displayName('std::vector<int, std::allocator<int> >::push_back(int const&)')).toBe('std::vector::push_back');
    expect(displayName('(anonymous namespace)::Foo::Bar()')).toBe('Foo::Bar');
    expect(displayName('alloc::vec::Vec<T,A>::push')).toBe('Vec::push');
    for (const n of ['net/http.(*persistConn).readLoop', 'runtime.selectgo', '[cppbench_server_main]', '<unknown>', 'main.main', 'operator new(unsigned long)']) {
      expect(displayName(n)).toBe(n);
    }
  });

  it('top tables and flame graphs carry the short name beside the full one', () => {
    const m = parsePprof(gunzipSync(readFixture('scenarios/cpu-pool-go1.27/cpu.pb.gz'))).model;
    const ws = { stacks: m.stacks, sampleStack: m.sampleStack, weight: m.sampleValues[m.defaultSampleType]! };
    const row = topTable(ws).rows.find((r) => r.function === 'slices.pdqsortOrdered[go.shape.int]')!;
    expect(row.display).toBe('slices.pdqsortOrdered[...]');
    expect(topTable(ws).rows.find((r) => r.function === 'runtime.mallocgc')!.display).toBeUndefined();
    const all: FlameNode[] = [];
    const walk = (n: FlameNode) => (all.push(n), n.children.forEach(walk));
    walk(buildCallTree(ws, { maxNodes: Infinity }).root);
    const g = all.find((n) => n.name === 'slices.pdqsortOrdered[go.shape.int]')!;
    expect(g.display).toBe('slices.pdqsortOrdered[...]');
  });
});
