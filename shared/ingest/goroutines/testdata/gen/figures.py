#!/usr/bin/env python3
"""Independent reading of the text dumps here (not TraceDeck's parser): every `goroutine N [...]:`
block with its state, labels, leaf/outermost function and creator; debug=1 totals. Writes figures.json."""
import json, re, sys, os
HEADER = re.compile(r'^\s*(?:\S+\.go:\d+: )?goroutine (\d+)(?: [a-z]+=\S+)* \[([^\],]*)[^\]]*\](?: (\{.*\}))?:\s*$')
CRASH = re.compile(r'^\s*(panic: |fatal error: |SIGQUIT: )')
out = {}
root = os.path.dirname(os.path.abspath(__file__)) + '/..'
for ver in sorted(d for d in os.listdir(root) if d.startswith('go1.')):
    for name in sorted(os.listdir(f'{root}/{ver}')):
        if not name.endswith('.txt'):
            continue
        lines = open(f'{root}/{ver}/{name}', encoding='utf-8').read().split('\n')
        rel = f'{ver}/{name}'
        m = re.match(r'goroutine profile: total (\d+)', lines[0])
        if m:
            counts = [int(l.split(' @')[0]) for l in lines if re.match(r'^\d+ @', l)]
            out[rel] = {'debug': 1, 'total': int(m.group(1)), 'records': len(counts), 'sum': sum(counts),
                        'labelled': sum(1 for l in lines if l.startswith('# labels:'))}
            continue
        blocks, crash = [], None
        for i, l in enumerate(lines):
            if crash is None and CRASH.match(l):
                crash = {'line': i, 'text': l.strip()}
            h = HEADER.match(l)
            if not h:
                continue
            funcs, created = [], None
            j = i + 1
            while j < len(lines) and lines[j].strip() != '' and not HEADER.match(lines[j]):
                t = lines[j].strip()
                if t.startswith('created by '):
                    created = re.sub(r' in goroutine \d+$', '', t[len('created by '):])
                elif t.endswith(')') and j + 1 < len(lines) and re.search(r':\d+( |$)', lines[j + 1]):
                    funcs.append(t[:t.rindex('(')])
                j += 1
            blocks.append({'line': i, 'id': int(h.group(1)), 'state': h.group(2), 'labels': h.group(3) or '',
                           'leaf': funcs[0] if funcs else None, 'root': funcs[-1] if funcs else None,
                           'frames': len(funcs), 'createdBy': created})
        out[rel] = {'debug': 2, 'crash': crash, 'goroutines': blocks}
# The protobuf profiles, read by Go's own pprof: goroutine count (sum of sample values) and records.
import subprocess
for ver in sorted(d for d in os.listdir(root) if d.startswith('go1.')):
    raw = subprocess.run(['go', 'tool', 'pprof', '-raw', f'{root}/{ver}/goroutine.pb.gz'], capture_output=True, text=True).stdout
    samples = raw.split('Samples:')[1].split('Locations')[0]
    vals = [int(l.split(':')[0]) for l in samples.split('\n') if re.match(r'^ +\d+:', l)]
    out[f'{ver}/goroutine.pb.gz'] = {'pprofTotal': sum(vals), 'records': len(vals), 'command': 'go tool pprof -raw'}
json.dump(out, open(f'{root}/figures.json', 'w'), indent=1)
print(f'{len(out)} files', file=sys.stderr)
