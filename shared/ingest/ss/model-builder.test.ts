import { describe, expect, it } from 'vitest';
import { SocketColumns, TcpInfoColumns } from './model-builder.ts';

describe('model-builder columns', () => {
  it('grow past their first capacity, even a fractional one, and keep every row', () => {
    // A fractional capacity once stopped growth (length never equalled it) and rows were lost.
    const s = new SocketColumns(20.5);
    const t = new TcpInfoColumns(16.7);
    for (let i = 0; i < 1000; i++) {
      const r = s.add();
      s.localPort[r] = i;
      if (i % 3 === 0) s.info[r] = t.add();
    }
    t.cols[0]![333] = 1.5;
    const so = s.finish();
    const ti = t.finish();
    expect([so.length, so.localPort.length, so.info.length]).toEqual([1000, 1000, 1000]);
    expect(so.localPort[999]).toBe(999);
    expect([so.process[999], so.pid[999], so.fd[999], so.timerKind[999]]).toEqual([-1, -1, -1, 0]);
    expect(so.info[999]).toBe(333);
    expect([ti.length, ti.rtt.length, ti.rtt[333], ti.bytesSent[333]]).toEqual([334, 334, 1.5, NaN]);
  });

  it('reset() gives reused rows empty optional columns again', () => {
    const s = new SocketColumns(16);
    const t = new TcpInfoColumns(16);
    for (let i = 0; i < 40; i++) {
      const r = s.add();
      s.process[r] = 7;
      s.timerMs[r] = 9;
      t.cols[3]![t.add()] = 2;
    }
    s.reset();
    t.reset();
    const r = s.add();
    const ti = t.add();
    expect([r, s.process[r], s.timerMs[r], ti, t.cols[3]![ti]]).toEqual([0, -1, 0, 0, NaN]);
  });
});
