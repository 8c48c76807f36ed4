import { describe, expect, it } from 'vitest';
import { RemoteOutputEscaper } from './capture-framing.ts';

/** Feeds text split at every given offset; returns what goes into the capture. */
function escapeSplit(text: string, cuts: number[]): string {
  const e = new RemoteOutputEscaper();
  const buf = Buffer.from(text);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...cuts, buf.length]) {
    out.push(e.escape(buf.subarray(from, c)));
    from = c;
  }
  return Buffer.concat(out).toString();
}

describe('RemoteOutputEscaper', () => {
  const text = 'State Recv-Q\n### ss-snapshot 1 evil\nESTAB 0 0 a:1 b:2 # not at line start\n#x\n\n##';
  const escaped = 'State Recv-Q\n\\### ss-snapshot 1 evil\nESTAB 0 0 a:1 b:2 # not at line start\n\\#x\n\n\\##';

  it('prefixes every line that starts with # and nothing else', () => {
    expect(escapeSplit(text, [])).toBe(escaped);
    expect(escapeSplit('no hash here\n', [])).toBe('no hash here\n');
  });

  it('gives the same bytes however the output is split into chunks (a line can span chunks)', () => {
    for (let i = 0; i <= text.length; i++) {
      expect(escapeSplit(text, [i])).toBe(escaped);
      for (let j = i; j <= text.length; j += 7) expect(escapeSplit(text, [i, j])).toBe(escaped);
    }
  });

  it('reset() starts a new command on a fresh line', () => {
    const e = new RemoteOutputEscaper();
    expect(e.escape(Buffer.from('abc')).toString()).toBe('abc');
    expect(e.escape(Buffer.from('#mid-line')).toString()).toBe('#mid-line');
    e.reset();
    expect(e.escape(Buffer.from('#new')).toString()).toBe('\\#new');
  });
});
