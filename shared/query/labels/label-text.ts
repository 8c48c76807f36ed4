/**
 * pprof labels of a goroutine dump, from the text Go prints for them:
 *
 *   debug=1   `# labels: {"role":"waiter", "team":"ingest"}`             (Go %q quoting, sorted)
 *   debug=2   `goroutine 7 [chan receive] {role: waiter, team: "a \"b\""}:`   (Go 1.27+, GODEBUG
 *             tracebacklabels=1: bare when a key or value is only [A-Za-z0-9./_], else quoted)
 *
 * The model keeps the text as printed (model/goroutines.ts `labels`); this reads it into pairs.
 */

/** One label as key and value, in printed order. */
export type LabelPair = [key: string, value: string];

/** Reads a Go-quoted string starting at s[i] === '"'; returns its value and the index after it. */
function readQuoted(s: string, i: number): [string, number] {
  let out = '';
  let j = i + 1;
  while (j < s.length && s[j] !== '"') {
    const c = s[j]!;
    if (c !== '\\') {
      out += c;
      j++;
      continue;
    }
    const e = s[j + 1];
    const hex = (n: number) => {
      const h = s.slice(j + 2, j + 2 + n);
      if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== n) throw new Error(`bad escape \\${e}${h} in labels ${JSON.stringify(s)}`);
      j += 2 + n;
      return Number.parseInt(h, 16);
    };
    switch (e) {
      case 'x':
        // A byte; the dumps print \x only for ASCII controls and invalid UTF-8 bytes.
        out += String.fromCharCode(hex(2));
        continue;
      case 'u':
        out += String.fromCodePoint(hex(4));
        continue;
      case 'U':
        out += String.fromCodePoint(hex(8));
        continue;
      default: {
        const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'" };
        if (e === undefined || !(e in simple)) throw new Error(`bad escape \\${e ?? ''} in labels ${JSON.stringify(s)}`);
        out += simple[e];
        j += 2;
      }
    }
  }
  if (s[j] !== '"') throw new Error(`unterminated quote in labels ${JSON.stringify(s)}`);
  return [out, j + 1];
}

/**
 * The pairs of one label text (`{…}` in either form; '' gives none). Throws naming the text when it
 * is not a label set.
 */
export function parseLabelText(text: string): LabelPair[] {
  const s = text.trim();
  if (s === '') return [];
  if (!s.startsWith('{') || !s.endsWith('}')) throw new Error(`labels ${JSON.stringify(text)} are not {…}`);
  const out: LabelPair[] = [];
  let i = 1;
  const skip = () => {
    while (s[i] === ' ') i++;
  };
  // A key ends at ':', a bare value at ',' or the closing '}' (bare tokens never hold either).
  const token = (stops: string): string => {
    skip();
    if (s[i] === '"') {
      const [v, j] = readQuoted(s, i);
      i = j;
      return v;
    }
    const start = i;
    while (i < s.length - 1 && !stops.includes(s[i]!)) i++;
    return s.slice(start, i).trimEnd();
  };
  skip();
  if (i === s.length - 1) return out;
  for (;;) {
    const key = token(':');
    skip();
    if (s[i] !== ':') throw new Error(`labels ${JSON.stringify(text)}: no ':' after ${JSON.stringify(key)}`);
    i++;
    const value = token(',');
    out.push([key, value]);
    skip();
    if (i === s.length - 1) return out;
    if (s[i] !== ',') throw new Error(`labels ${JSON.stringify(text)}: expected ',' at ${i}`);
    i++;
  }
}

/** Label pairs as one line, `k=v, k2=v2` (for display and grouping). */
export function labelPairsText(pairs: readonly LabelPair[]): string {
  return pairs.map(([k, v]) => `${k}=${v}`).join(', ');
}
