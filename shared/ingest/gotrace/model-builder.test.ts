import { describe, expect, it } from 'vitest';
import { StackTableBuilder } from '../../model/stacks.ts';
import { G_NOTEXIST, G_RUNNABLE, G_RUNNING, G_SYSCALL, G_WAITING, NO_PROC } from '../../model/trace.ts';
import { TraceModelBuilder } from './model-builder.ts';

describe('TraceModelBuilder goroutine rows and timeline fields', () => {
  it('maps dense and huge goroutine ids to the same rows each time, and wakers to their rows', () => {
    const b = new TraceModelBuilder(new StackTableBuilder());
    const huge = 2 ** 40 + 3; // past the dense index: the Map fallback
    b.sync(100);
    b.goTransition(110, 7, G_NOTEXIST, G_RUNNABLE, '', -1, -1, -1, 0, 12);
    b.goTransition(120, huge, G_NOTEXIST, G_RUNNABLE, '', -1, -1, 7, 1, 12);
    b.goTransition(130, 7, G_RUNNABLE, G_RUNNING, '', -1, -1, -1, 70000, 13);
    b.goTransition(140, 7, G_RUNNING, G_WAITING, 'chan receive', -1, -1, 7, 0, 13);
    b.goTransition(150, 7, G_WAITING, G_RUNNABLE, '', -1, -1, huge, 1, 14);
    b.goTransition(160, huge, G_RUNNABLE, G_RUNNING, '', -1, -1, -1, 1, 14);
    b.goTransition(170, huge, G_RUNNING, G_SYSCALL, '', -1, -1, huge, 1, 14);
    b.goTransition(180, huge, G_SYSCALL, G_RUNNING, '', -1, -1, huge, -1, 15);
    b.end(false, 0);
    const m = b.finish();
    expect(m.goroutines.count).toBe(2);
    expect([...m.goroutines.id]).toEqual([7, huge]);
    expect([...m.transitions.g]).toEqual([0, 1, 0, 0, 0, 1, 1, 1]);
    expect([...m.transitions.p]).toEqual([0, 1, NO_PROC, 0, 1, 1, 1, NO_PROC]);
    expect(b.warnings.some((w) => w.includes('P id of 65535 or more'))).toBe(true);
    // Creations and the unblock, each with the row of the goroutine that did it (-1: none).
    expect([...m.transitions.wakers.at]).toEqual([0, 1, 4]);
    expect([...m.transitions.wakers.by]).toEqual([-1, 0, 1]);
    expect([...m.transitions.syscallP.at]).toEqual([6]);
    expect([...m.transitions.syscallP.m]).toEqual([14]);
    expect([...m.transitions.syscallExits.at]).toEqual([7]);
    expect([...m.transitions.syscallExits.m]).toEqual([15]);
    expect(m.strings[m.transitions.reason[3]!]).toBe('chan receive');
    expect(m.goroutines.firstRunNs[1]).toBe(60);
  });
});
