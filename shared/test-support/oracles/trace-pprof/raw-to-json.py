#!/usr/bin/env python3
"""Reads `go tool pprof -raw` of a trace blocking profile on stdin; prints its samples as JSON:
[[count, ns, ["func file:line", ...leaf first]], ...], summed per stack, sorted by stack."""
import json, re, sys

lines = sys.stdin.read().split('\n')
samples, locs, mode, cur = [], {}, None, None
for ln in lines:
    if ln.startswith('Samples:'):
        mode = 'samples'; continue
    if ln.startswith('Locations'):
        mode = 'locs'; continue
    if ln.startswith('Mappings'):
        break
    if mode == 'samples':
        m = re.match(r'^\s+(\d+)\s+(\d+):\s*(.*)$', ln)
        if m:
            samples.append((int(m.group(1)), int(m.group(2)), [int(x) for x in m.group(3).split()]))
    elif mode == 'locs':
        m = re.match(r'^\s+(\d+): 0x[0-9a-f]+ M=\d+ (.*) (\S+):(\d+):\d+ s=\d+$', ln)
        if m:
            cur = int(m.group(1)); locs[cur] = [f'{m.group(2)} {m.group(3)}:{m.group(4)}']; continue
        m = re.match(r'^\s+(\d+): 0x[0-9a-f]+ M=\d+\s*$', ln)
        if m:
            cur = int(m.group(1)); locs[cur] = []; continue
        m = re.match(r'^\s+(.*) (\S+):(\d+):\d+ s=\d+$', ln)
        if m and cur is not None:
            locs[cur].append(f'{m.group(1)} {m.group(2)}:{m.group(3)}')
per = {}
for count, ns, ids in samples:
    key = tuple(f for i in ids for f in locs[i])
    c, n = per.get(key, (0, 0))
    per[key] = (c + count, n + ns)
print(json.dumps([[c, n, list(k)] for k, (c, n) in sorted(per.items())]))
