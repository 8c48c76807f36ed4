/** Go (RE2) regexes as pprof's options take them, compiled to JS: shared by the stack filters and the label filters. */

/**
 * A filter's regex (null for none); one that does not compile is an error naming the filter. Written
 * for pprof, whose regexes are Go's: leading flag groups like `(?i)` become JS flags (JS has no inline
 * flags); the rest of RE2's syntax that filters use reads the same in JS.
 */
export function compileGoRegex(re: string | undefined, what: string): RegExp | null {
  if (re === undefined || re === '') return null;
  let body = re;
  let flags = '';
  for (let m = /^\(\?([ims]+)\)/.exec(body); m; m = /^\(\?([ims]+)\)/.exec(body)) {
    for (const f of m[1]!) if (!flags.includes(f)) flags += f;
    body = body.slice(m[0].length);
  }
  try {
    return new RegExp(body, flags);
  } catch (e) {
    throw new Error(`invalid ${what} regex ${JSON.stringify(re)}: ${(e as Error).message}`);
  }
}

