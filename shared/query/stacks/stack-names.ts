/**
 * Display names for functions with type arguments, shortened the way pprof's own views shorten them
 * (the full name stays in tooltips, JSON and every figure's key; other names are shown as they are):
 *
 *   Go generics      the shape arguments the compiler adds become `[...]`, as the Go runtime prints
 *                    them: `slices.pdqsortOrdered[go.shape.int]` → `slices.pdqsortOrdered[...]`
 *   Go packages      the import path before the package is dropped (pprof's ShortenFunctionName):
 *                    `crypto/internal/fips140/hkdf.Expand[...]` → `hkdf.Expand[...]`
 *   C++ / Rust       template arguments and parameter lists are dropped, as pprof's demangler leaves
 *                    them (`removeMatching`), then namespaces before a Class::method, and a leading
 *                    `(anonymous namespace)::`
 *   Java             the package and the arguments: `java.util.HashMap.get(Object)` → `HashMap.get`
 */

/** pprof: `(?:[\w\-\.]+\/)+([^.]+\..+)` — an import path, then package.rest. */
const GO_PATH = /^(?:[\w\-.]+\/)+([^.]+\..+)/;
/** pprof: a major-version element of a module path (`/v2`) is dropped first. */
const GO_VERSION = /^(.*?)\/v(?:[2-9]|[1-9][0-9]+)([./].*)$/;
const JAVA = /^(?:[a-z]\w*\.)*([A-Z][\w$]*\.(?:<init>|[a-z][\w$]*(?:\$\d+)?))(?:\(|$)/;
const CPP = /^(?:[_a-zA-Z]\w*::)+(_*[A-Z]\w*::~?[_a-zA-Z]\w*(?:<.*>)?)/;
const CPP_ANON = /^\(anonymous namespace\)::/;

/** The Go runtime's funcNameForPrint: a generic function's bracketed arguments become `[...]`. */
export function goGenericShort(name: string): string {
  const i = name.indexOf('[');
  if (i < 0) return name;
  const j = name.lastIndexOf(']');
  if (j <= i) return name;
  const interior = name.slice(i + 1, j);
  if (!interior.includes('[')) return `${name.slice(0, i)}[...]${name.slice(j + 1)}`;
  // A generic method of a generic type: Type[...].Method[...] — find where the first group closes.
  let depth = 1;
  let rbr = -1;
  let lbr = -1;
  for (let k = 0; k < interior.length; k++) {
    const c = interior[k];
    if (c === '[') {
      depth++;
      if (depth === 1) {
        lbr = k;
        break;
      }
    } else if (c === ']') {
      depth--;
      if (depth < 0) break;
      if (depth === 0) rbr = k;
    }
  }
  if (depth === 1) {
    if (rbr >= 0 && lbr > rbr) return `${name.slice(0, i)}[...]${interior.slice(rbr + 1, lbr)}[...]${name.slice(j + 1)}`;
    if (rbr === -1 && lbr === -1) return `${name.slice(0, i)}[...]${name.slice(j + 1)}`;
  }
  return name;
}

/** pprof's heuristic for a name that is already-demangled C++ (or Rust, which demangles alike). */
function looksLikeCpp(name: string): boolean {
  if (name.includes('.<')) return false; // Java's Class.<init>
  if (name.includes(']).')) return false; // Go's pkg.(*T[...]).Method
  return /[<>[\]]/.test(name) || name.includes('::');
}

/** pprof's removeMatching: drops every outermost open..close group (the name as is when unbalanced). */
function removeMatching(name: string, open: string, close: string): string {
  let out = '';
  let depth = 0;
  for (const c of name) {
    if (c === open) depth++;
    else if (c === close) {
      depth--;
      if (depth < 0) return name;
    } else if (depth === 0) out += c;
  }
  return depth === 0 ? out : name;
}

const cache = new Map<string, string>();

/**
 * The name to draw for function `name`: itself unless it carries type arguments (Go generics, C++ /
 * Rust templates) — the names that grow unreadable — which are shortened as pprof's views do.
 */
export function displayName(name: string): string {
  let d = cache.get(name);
  if (d !== undefined) return d;
  d = name;
  if (name.startsWith('[') || name.startsWith('<')) {
    // pprof's own names for unsymbolized code ([binary], <unknown>): nothing to shorten.
  } else if (name.includes('::')) {
    // C++ / Rust: pprof's demangler leaves out template arguments and parameter lists.
    d = d.replace(CPP_ANON, '');
    if (looksLikeCpp(d) && /[<(]/.test(d)) {
      const stripped = removeMatching(removeMatching(d, '<', '>'), '(', ')');
      if (stripped !== '' && !stripped.startsWith('::')) d = shortened(stripped);
    }
  } else if (name.includes('[')) {
    d = shortened(goGenericShort(d));
  }
  if (cache.size > 100_000) cache.clear();
  cache.set(name, d);
  return d;
}

/** pprof's ShortenFunctionName: module version, import path, Java package, C++ namespaces. */
function shortened(name: string): string {
  const d = name.replace(CPP_ANON, '').replace(GO_VERSION, '$1$2');
  for (const re of [GO_PATH, JAVA, CPP]) {
    const m = re.exec(d);
    if (m && m.length >= 2) return m.slice(1).join('');
  }
  return d;
}
