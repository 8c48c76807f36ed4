import { describe, expect, it } from 'vitest';
import { ingestBytes } from '../../shared/ingest/ingest.ts';
import { summarize } from '../../shared/query/run-query.ts';
import { expectedFigures, readFixture } from '../../shared/test-support/fixtures.ts';
import { figuresMarkdown, figureText } from './report-figures.ts';

const DIR = 'scenarios/conn-leak-go1.27';

async function figuresOf(name: string) {
  return summarize(await ingestBytes(readFixture(`${DIR}/${name}`)));
}

/** No raw nanosecond counts (≥ 1e9 with separators), no JSON, no empty cells. */
function expectHuman(md: string[]) {
  const text = md.join('\n');
  expect(text).not.toMatch(/\d{1,3}(,\d{3}){3,}/);
  expect(text).not.toMatch(/[{}"]/);
  expect(text).not.toMatch(/\| *\|/);
  for (const l of md.filter((x) => x.startsWith('|'))) expect(l.endsWith('|'), l).toBe(true);
}

describe('report.md figures', () => {
  it('a block profile: totals in their sample type’s unit, the top list in the default unit', async () => {
    const exp = expectedFigures()[`${DIR}/block.pb.gz`]!;
    const md = figuresMarkdown(await figuresOf('block.pb.gz'), 'UTC');
    expectHuman(md);
    expect(md.slice(0, 2)).toEqual(['| Figure | Value |', '| --- | --- |']);
    // Go's totals: 2,240 contentions, 220,842,387,189 ns of delay = 221 s.
    expect((exp.totals as Record<string, number>).delay).toBe(220842387189);
    expect(md).toContain('| totals | contentions 2,240, delay 221 s |');
    expect(md).toContain(`| samples | ${exp.sampleCount} |`);
    expect(md).toContain('| sample types | contentions (count), delay (nanoseconds) |');
    expect(md).toContain('| profile time | 2026-11-22 19:37:47.980 UTC (UTC+00:00) |');
    expect(md).toContain('| profile duration | not recorded |');
    expect(md).toContain('Top 5 by delay:');
    expect(md).toContain('| function | flat (delay) | cum (delay) |');
    expect(md).toContain('| --- | ---: | ---: |');
    // Go's top flat function, 210,845,724,835 ns flat and cum = 211 s.
    expect(md).toContain(`| ${exp.topFlatFunction} | 211 s | 211 s |`);
  });

  it('an ss capture: snapshots on the wall clock, socket states and peers as words', async () => {
    const md = figuresMarkdown(await figuresOf('ss-capture.txt.gz'), 'UTC');
    expectHuman(md);
    expect(md).toContain('| first snapshot | 2026-11-22 19:37:19.967 UTC (UTC+00:00) |');
    expect(md).toContain('| last snapshot | 2026-11-22 19:37:50.233 UTC (UTC+00:00) |');
    expect(md).toContain('| sockets | 6,485 |');
    expect(md).toContain('| sockets at the first snapshot | LISTEN 1 |');
    expect(md).toContain('| top peers | TIME-WAIT: 127.0.0.1 (65) |');
  });

  it('a Go trace: blocked time per kind in s/ms, largest first', async () => {
    const md = figuresMarkdown(await figuresOf('trace.out'), 'UTC');
    expectHuman(md);
    // Go's per-kind figures: sync 44,699,769,665 ns, net 8,421,489,792, sched 171,650,495, syscall 9,361,984.
    expect(md).toContain('| time blocked, by kind | sync 44.7 s, net 8.4 s, sched 172 ms, syscall 9.4 ms |');
    expect(md).toContain('| duration | 5 s |');
    expect(md).toContain('| GC cycles | 27 |');
    expect(md).toContain('| partial | no |');
  });

  it('a goroutine dump: states largest first, the top groups as a table', async () => {
    const md = figuresMarkdown(await figuresOf('goroutine-debug2.txt'), 'UTC');
    expectHuman(md);
    expect(md).toContain('| states | select 145, IO wait 2, runnable 1, running 1, sleep 1 |');
    expect(md).toContain('| count | state | function |');
    expect(md).toContain('| 71 | select | net/http.(\\*persistConn).writeLoop |');
  });

  it('says “none” for an empty map instead of leaving the value blank', () => {
    expect(figureText('first', {}, {}, 'UTC')).toBe('none');
    expect(figureText('topPeers', { ESTAB: [] }, {}, 'UTC')).toBe('none');
    expect(figureText('timeNanos', 0, {}, 'UTC')).toBe('not recorded');
  });
});
