/**
 * Reading Go function names the way the rules need: standard library or not, and "who called X" from
 * a stack's function list (leaf first). Generic Go / net/http names only — never a program's own.
 */

/** Top-level import paths of the standard library (a function outside them is the program's, or a dependency's). */
const STD_TOP = new Set(
  (
    'archive bufio bytes cmp compress container context crypto database debug embed encoding errors expvar flag fmt go hash html ' +
    'image index internal io iter log maps math mime net os path plugin reflect regexp runtime slices sort strconv strings structs ' +
    'sync syscall testing text time unicode unique unsafe vendor weak'
  ).split(' '),
);

/** The package path of a Go function name (`net/http.(*Client).Do` → `net/http`). */
export function packageOf(fn: string): string {
  const slash = fn.lastIndexOf('/');
  const dot = fn.indexOf('.', slash + 1);
  return dot < 0 ? fn : fn.slice(0, dot);
}

export function isStdFunction(fn: string): boolean {
  const pkg = packageOf(fn);
  const top = pkg.split('/')[0]!;
  return STD_TOP.has(top) && !(top === 'main');
}

/** The program's own functions (not the standard library). */
export function isUserFunction(fn: string): boolean {
  return fn !== '' && !isStdFunction(fn);
}

/**
 * The first function of the program's own code above the innermost frame matching `re`, in a
 * leaf-first function list — e.g. who called `net/http.(*Client).Do`. Null when none.
 */
export function userCallerOf(funcsLeafFirst: readonly string[], re: RegExp): string | null {
  const i = funcsLeafFirst.findIndex((f) => re.test(f));
  if (i < 0) return null;
  for (let j = i + 1; j < funcsLeafFirst.length; j++) if (isUserFunction(funcsLeafFirst[j]!)) return funcsLeafFirst[j]!;
  return null;
}

/** The innermost function of the program's own code in a leaf-first list, or null. */
export function innermostUser(funcsLeafFirst: readonly string[]): string | null {
  return funcsLeafFirst.find(isUserFunction) ?? null;
}

/** Distinct values, first-seen order, at most `n`. */
export function distinct(xs: Iterable<string | null>, n = 3): string[] {
  const out: string[] = [];
  for (const x of xs) if (x && !out.includes(x) && out.length < n) out.push(x);
  return out;
}

/** `a`, `a` and `b`, `a`, `b` and `c` — code-quoted. */
export function listCode(names: readonly string[]): string {
  const q = names.map((n) => `\`${n}\``);
  return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}
