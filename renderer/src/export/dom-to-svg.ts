/**
 * Serializes a rendered part of the page to self-contained SVG markup, as it looks on screen:
 * SVG children are cloned with their computed styles inlined (HTML labels inside foreignObject
 * become SVG <text>), canvases become <image>s, HTML text becomes <text> at its laid-out position,
 * backgrounds and borders become <rect>s. Text stays text (selectable, searchable in the SVG), even
 * the heat map's row and time-axis labels painted on its canvas (written again as text over them).
 * Scrolling containers clip what they hide, the way a screenshot of the window would.
 */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface SerializeOptions {
  /** Containers that must not clip (the workspace's scrolling column: export all panels, not the visible ones). */
  noClip?: (el: Element) => boolean;
  /** Parts to leave out (menus, tooltips, the toolbar of a workspace picture). */
  skip?: (el: Element) => boolean;
  /** Leave out this many px at the top of the root (the workspace picture starts below the toolbar). */
  cropTop?: number;
}

export interface SerializedPart {
  /** SVG markup in the root's coordinates (0,0 = the root's top-left). */
  body: string;
  /** <defs> content (clip paths, gradients). */
  defs: string;
  width: number;
  height: number;
}

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (n: number) => String(Math.round(n * 100) / 100);
const transparent = (c: string) => !c || c === 'transparent' || /rgba\([^)]*,\s*0\)$/.test(c);

let uid = 0;

const SVG_STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'paint-order',
] as const;

function intersect(a: Rect, b: Rect): Rect {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  return { x, y, w: Math.max(0, Math.min(a.x + a.w, b.x + b.w) - x), h: Math.max(0, Math.min(a.y + a.h, b.y + b.h) - y) };
}

function fontOf(cs: CSSStyleDeclaration): string {
  return `font-family="${esc(cs.fontFamily)}" font-size="${cs.fontSize}" font-weight="${cs.fontWeight}"${cs.fontStyle !== 'normal' ? ` font-style="${cs.fontStyle}"` : ''}`;
}

let measureCtx: CanvasRenderingContext2D | null = null;

/** Splits `text` into lines no wider than `width` px in `font` (at spaces; a long word stays whole). */
export function wrapText(text: string, font: string, width: number): string[] {
  measureCtx ??= document.createElement('canvas').getContext('2d');
  const ctx = measureCtx;
  if (!ctx) return [text];
  ctx.font = font;
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > width) {
      out.push(line);
      line = `    ${word}`;
    } else line = next;
  }
  out.push(line);
  return out;
}
/** Longest prefix of `text` (with an ellipsis when cut) that fits `width` px in `font`. */
export function fitText(text: string, font: string, width: number): string {
  measureCtx ??= document.createElement('canvas').getContext('2d');
  const ctx = measureCtx;
  if (!ctx) return text;
  ctx.font = font;
  if (ctx.measureText(text).width <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= width) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : `${text.slice(0, lo)}…`;
}

/** A parsed `linear-gradient(to right, rgb() 0%, …)` as SVG gradient stops (horizontal or vertical). */
function gradientDef(bgImage: string, id: string): string | null {
  const m = /^linear-gradient\((.*)\)$/.exec(bgImage.trim());
  if (!m) return null;
  const vertical = !/to right|to left|90deg|270deg/.test(m[1]!);
  const stops = [...m[1]!.matchAll(/(rgba?\([^)]*\)|#[0-9a-f]{3,8})\s+([\d.]+)%/gi)].map(
    (s) => `<stop offset="${s[2]}%" stop-color="${esc(s[1]!)}"/>`,
  );
  if (stops.length < 2) return null;
  return `<linearGradient id="${id}" x1="0" y1="0" x2="${vertical ? 0 : 1}" y2="${vertical ? 1 : 0}">${stops.join('')}</linearGradient>`;
}

class Writer {
  body: string[] = [];
  defs: string[] = [];
  private clipIds = new Map<string, string>();
  maxX = 0;
  maxY = 0;
  constructor(
    readonly ox: number,
    readonly oy: number,
  ) {}

  clipAttr(clip: Rect | null): string {
    if (!clip) return '';
    const key = [clip.x, clip.y, clip.w, clip.h].map(num).join(',');
    let id = this.clipIds.get(key);
    if (!id) {
      id = `xc${++uid}`;
      this.clipIds.set(key, id);
      this.defs.push(`<clipPath id="${id}"><rect x="${num(clip.x - this.ox)}" y="${num(clip.y - this.oy)}" width="${num(clip.w)}" height="${num(clip.h)}"/></clipPath>`);
    }
    return ` clip-path="url(#${id})"`;
  }

  grow(r: Rect, clip: Rect | null) {
    const v = clip ? intersect(r, clip) : r;
    if (v.w <= 0 || v.h <= 0) return;
    this.maxX = Math.max(this.maxX, v.x + v.w - this.ox);
    this.maxY = Math.max(this.maxY, v.y + v.h - this.oy);
  }
}

const rectOf = (r: DOMRect): Rect => ({ x: r.left, y: r.top, w: r.width, h: r.height });

function visibleIn(r: Rect, clip: Rect | null): boolean {
  if (r.w <= 0 && r.h <= 0) return false;
  if (!clip) return true;
  const i = intersect(r, clip);
  return i.w > 0 && i.h > 0;
}

function emitBox(w: Writer, el: Element, cs: CSSStyleDeclaration, r: Rect, clip: Rect | null) {
  const bg = cs.backgroundColor;
  const bw = parseFloat(cs.borderTopWidth) || 0;
  const bc = cs.borderTopColor;
  const radius = Math.min(parseFloat(cs.borderTopLeftRadius) || 0, r.h / 2, r.w / 2);
  const rx = radius ? ` rx="${num(radius)}"` : '';
  const at = `x="${num(r.x - w.ox)}" y="${num(r.y - w.oy)}" width="${num(r.w)}" height="${num(r.h)}"${rx}`;
  if (cs.backgroundImage && cs.backgroundImage !== 'none') {
    const id = `xg${++uid}`;
    const def = gradientDef(cs.backgroundImage, id);
    if (def) {
      w.defs.push(def);
      w.body.push(`<rect ${at} fill="url(#${id})"${w.clipAttr(clip)}/>`);
    }
  }
  if (!transparent(bg)) w.body.push(`<rect ${at} fill="${esc(bg)}"${w.clipAttr(clip)}/>`);
  // Borders: all four when they match, else only the bottom (table rows, headers).
  const bb = parseFloat(cs.borderBottomWidth) || 0;
  if (bw > 0 && !transparent(bc) && cs.borderTopStyle !== 'none' && parseFloat(cs.borderLeftWidth) > 0) {
    w.body.push(
      `<rect x="${num(r.x - w.ox + bw / 2)}" y="${num(r.y - w.oy + bw / 2)}" width="${num(Math.max(0, r.w - bw))}" height="${num(Math.max(0, r.h - bw))}"${rx} fill="none" stroke="${esc(bc)}" stroke-width="${num(bw)}"${w.clipAttr(clip)}/>`,
    );
  } else if (bb > 0 && !transparent(cs.borderBottomColor) && cs.borderBottomStyle !== 'none') {
    const y = r.y - w.oy + r.h - bb / 2;
    w.body.push(`<line x1="${num(r.x - w.ox)}" x2="${num(r.x - w.ox + r.w)}" y1="${num(y)}" y2="${num(y)}" stroke="${esc(cs.borderBottomColor)}" stroke-width="${num(bb)}"${w.clipAttr(clip)}/>`);
  }
  void el;
}

function emitText(w: Writer, node: Text, cs: CSSStyleDeclaration, clip: Rect | null) {
  const raw = node.data;
  if (!raw.trim()) return;
  const range = document.createRange();
  range.selectNodeContents(node);
  const rects = [...range.getClientRects()].filter((r) => r.width > 0);
  if (rects.length === 0) return;
  const attrs = `${fontOf(cs)} fill="${esc(cs.color)}"${cs.opacity !== '1' ? ` opacity="${cs.opacity}"` : ''}`;
  const put = (text: string, r: DOMRect) => {
    const rr = rectOf(r);
    if (!visibleIn(rr, clip)) return;
    w.grow(rr, clip);
    w.body.push(
      `<text x="${num(r.left - w.ox)}" y="${num(r.top - w.oy + r.height / 2)}" dominant-baseline="central" xml:space="preserve" ${attrs}${w.clipAttr(clip)}>${esc(text)}</text>`,
    );
  };
  const collapse = (s: string) => (cs.whiteSpace.startsWith('pre') ? s : s.replace(/\s+/g, ' '));
  if (rects.length === 1) {
    // Measure from the first to the last visible character: a leading space's width would shift the text.
    const a = raw.search(/\S/);
    const b = raw.length - (raw.length - raw.trimEnd().length);
    range.setStart(node, a);
    range.setEnd(node, b);
    const r = range.getClientRects()[0] ?? rects[0]!;
    put(collapse(raw.slice(a, b)), r);
    return;
  }
  // Wrapped text: one <text> per word, each at its own laid-out box.
  const re = /\S+/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    range.setStart(node, m.index);
    range.setEnd(node, m.index + m[0].length);
    const r = range.getClientRects()[0];
    if (r) put(m[0], r);
  }
}

function controlText(el: Element): string | null {
  if (el instanceof HTMLSelectElement) return el.selectedOptions[0]?.textContent ?? '';
  if (el instanceof HTMLInputElement) {
    if (el.type === 'checkbox' || el.type === 'radio') return el.checked ? '☑' : '☐';
    if (el.type === 'hidden' || el.type === 'file') return null;
    return el.value || el.placeholder || '';
  }
  if (el instanceof HTMLTextAreaElement) return el.value;
  return null;
}

/** Clones an inline <svg> with computed styles inlined, foreignObject labels turned into <text>. */
function cloneSvg(svg: SVGSVGElement): SVGSVGElement {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...svg.querySelectorAll('*')];
  const dst = [clone, ...clone.querySelectorAll('*')];
  const fos: [Element, Element][] = [];
  for (let i = 0; i < src.length; i++) {
    const s = src[i]!;
    const d = dst[i]!;
    if (s.localName === 'foreignObject') {
      fos.push([s, d]);
      continue;
    }
    if (s.closest('foreignObject')) continue;
    const cs = getComputedStyle(s);
    if (cs.display === 'none') {
      d.setAttribute('display', 'none');
      continue;
    }
    const style: string[] = [];
    for (const p of SVG_STYLE_PROPS) {
      const v = cs.getPropertyValue(p);
      if (v) style.push(`${p}:${v}`);
    }
    if (cs.visibility === 'hidden') style.push('visibility:hidden');
    d.setAttribute('style', style.join(';'));
    d.removeAttribute('class');
  }
  // d3-flame-graph draws its labels as HTML in foreignObject: SVG <text>, cut to the frame's width.
  for (const [s, d] of fos) {
    const label = s.querySelector('div, span') as HTMLElement | null;
    const text = label?.textContent ?? '';
    const lcs = label ? getComputedStyle(label) : null;
    const x = Number(s.getAttribute('x') ?? 0);
    const y = Number(s.getAttribute('y') ?? 0);
    const width = Number(s.getAttribute('width') ?? 0);
    const height = Number(s.getAttribute('height') ?? 0);
    if (!lcs || lcs.display === 'none' || !text || width < 8) {
      d.remove();
      continue;
    }
    const pad = parseFloat(lcs.marginLeft) || 4;
    const shown = fitText(text, `${lcs.fontWeight} ${lcs.fontSize} ${lcs.fontFamily}`, width - 2 * pad);
    if (!shown) {
      d.remove();
      continue;
    }
    const t = document.createElementNS('http://www.w3.org/2000/svg', 'text');
    t.setAttribute('x', String(x + pad));
    t.setAttribute('y', String(y + height / 2));
    t.setAttribute('dominant-baseline', 'central');
    t.setAttribute('style', `fill:${lcs.color};font-family:${lcs.fontFamily};font-size:${lcs.fontSize};font-weight:${lcs.fontWeight}`);
    t.textContent = shown;
    d.replaceWith(t);
  }
  return clone;
}

/**
 * A canvas plot that publishes its row layout (the heat map: data-rows, data-plot-x/y, data-row-h)
 * gets its row labels as SVG text over the painted ones, so they stay text and sharp at 2×.
 */
function rowLabelsAsText(w: Writer, canvas: HTMLCanvasElement, r: Rect, clip: Rect | null) {
  const host = canvas.parentElement;
  const rows = host?.getAttribute('data-rows');
  const px = Number(host?.getAttribute('data-plot-x'));
  const py = Number(host?.getAttribute('data-plot-y'));
  const rh = Number(host?.getAttribute('data-row-h'));
  if (!host || !rows || !(px > 0) || !(rh > 0) || !Number.isFinite(py)) return;
  const labels = rows.split('|');
  const cs = getComputedStyle(host);
  const bg = cs.getPropertyValue('--panel').trim() || '#ffffff';
  const fg = cs.getPropertyValue('--fg').trim() || '#1d1f23';
  const x0 = r.x - w.ox;
  const y0 = r.y - w.oy;
  const font = `11px ${cs.fontFamily}`;
  w.body.push(`<rect x="${num(x0)}" y="${num(y0 + py)}" width="${num(px - 2)}" height="${num(labels.length * rh)}" fill="${esc(bg)}"${w.clipAttr(clip)}/>`);
  labels.forEach((label, i) => {
    const shown = fitText(label, font, px - 14);
    w.body.push(
      `<text data-row="" x="${num(x0 + px - 8)}" y="${num(y0 + py + (i + 0.5) * rh)}" text-anchor="end" dominant-baseline="central" font-family="${esc(cs.fontFamily)}" font-size="11px" fill="${esc(fg)}"${w.clipAttr(clip)}>${esc(shown)}</text>`,
    );
  });
}

/**
 * The same for a canvas plot's time axis (the heat map publishes what it drew in data-time-axis:
 * tick labels centred at x, tops at y, and the axis label right-aligned): painted labels are covered
 * and written again as SVG text.
 */
function timeAxisAsText(w: Writer, canvas: HTMLCanvasElement, r: Rect, clip: Rect | null) {
  const host = canvas.parentElement;
  const raw = host?.getAttribute('data-time-axis');
  if (!host || !raw) return;
  let axis: { y: number; label?: { x: number; y: number; text: string }; ticks: { x: number; y: number; label: string }[] };
  try {
    axis = JSON.parse(raw) as typeof axis;
  } catch {
    return;
  }
  if (!Number.isFinite(axis.y) || !Array.isArray(axis.ticks)) return;
  const cs = getComputedStyle(host);
  const bg = cs.getPropertyValue('--panel').trim() || '#ffffff';
  const muted = cs.getPropertyValue('--muted').trim() || '#6a7079';
  const x0 = r.x - w.ox;
  const y0 = r.y - w.oy;
  // Below the tick marks (axis line at y, marks 4 px long) to the canvas's bottom.
  const top = axis.y + 5;
  w.body.push(`<rect x="${num(x0)}" y="${num(y0 + top)}" width="${num(r.w)}" height="${num(Math.max(0, r.h - top))}" fill="${esc(bg)}"${w.clipAttr(clip)}/>`);
  const text = (x: number, y: number, anchor: string, t: string) =>
    `<text x="${num(x0 + x)}" y="${num(y0 + y)}" text-anchor="${anchor}" dominant-baseline="hanging" font-family="${esc(cs.fontFamily)}" font-size="11px" fill="${esc(muted)}"${w.clipAttr(clip)}>${esc(t)}</text>`;
  if (axis.label?.text) w.body.push(text(axis.label.x, axis.label.y, 'end', axis.label.text));
  for (const t of axis.ticks) if (Number.isFinite(t.x) && Number.isFinite(t.y) && typeof t.label === 'string') w.body.push(text(t.x, t.y, 'middle', t.label));
}

function walk(w: Writer, el: Element, clip: Rect | null, opts: SerializeOptions) {
  if (el.hasAttribute('data-export-skip') || opts.skip?.(el)) return;
  const cs = getComputedStyle(el);
  if (cs.display === 'none' || cs.visibility === 'hidden' || cs.opacity === '0') return;
  const r = rectOf(el.getBoundingClientRect());

  if (el instanceof SVGSVGElement) {
    if (!visibleIn(r, clip)) return;
    w.grow(r, clip);
    const c = cloneSvg(el);
    c.setAttribute('x', num(r.x - w.ox));
    c.setAttribute('y', num(r.y - w.oy));
    c.setAttribute('width', num(r.w));
    c.setAttribute('height', num(r.h));
    if (!c.getAttribute('viewBox') && el.viewBox.baseVal && el.viewBox.baseVal.width) {
      const v = el.viewBox.baseVal;
      c.setAttribute('viewBox', `${v.x} ${v.y} ${v.width} ${v.height}`);
    }
    c.setAttribute('overflow', 'hidden');
    // Ids inside the clone must not collide with the document's or another clone's.
    const suffix = `-x${++uid}`;
    const ids = [...c.querySelectorAll('[id]')].map((n) => n.id);
    let markup = new XMLSerializer().serializeToString(c);
    for (const id of ids) markup = markup.split(`#${id})`).join(`#${id}${suffix})`).split(`id="${id}"`).join(`id="${id}${suffix}"`);
    w.body.push(`<g${w.clipAttr(clip)}>${markup}</g>`);
    return;
  }
  if (el instanceof HTMLCanvasElement) {
    if (!visibleIn(r, clip) || el.width === 0 || el.height === 0) return;
    w.grow(r, clip);
    let href = '';
    try {
      href = el.toDataURL('image/png');
    } catch {
      return; // a tainted canvas cannot be read; nothing of ours draws one
    }
    w.body.push(`<image x="${num(r.x - w.ox)}" y="${num(r.y - w.oy)}" width="${num(r.w)}" height="${num(r.h)}" href="${href}" preserveAspectRatio="none"${w.clipAttr(clip)}/>`);
    if (!el.previousElementSibling) {
      rowLabelsAsText(w, el, r, clip);
      timeAxisAsText(w, el, r, clip);
    }
    return;
  }
  if (el instanceof HTMLImageElement) return;

  if (visibleIn(r, clip)) {
    emitBox(w, el, cs, r, clip);
    if (!transparent(cs.backgroundColor)) w.grow(r, clip);
  }
  const ctl = controlText(el);
  if (ctl !== null) {
    if (!visibleIn(r, clip)) return;
    w.grow(r, clip);
    const font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const padL = parseFloat(cs.paddingLeft) || 4;
    const shown = el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio') ? ctl : fitText(ctl, font, r.w - padL - (el instanceof HTMLSelectElement ? 18 : 4));
    w.body.push(
      `<text x="${num(r.x - w.ox + (shown.length === 1 ? 1 : padL))}" y="${num(r.y - w.oy + r.h / 2)}" dominant-baseline="central" xml:space="preserve" ${fontOf(cs)} fill="${esc(cs.color)}"${w.clipAttr(clip)}>${esc(shown)}</text>`,
    );
    if (el instanceof HTMLSelectElement) {
      const ax = r.x - w.ox + r.w - 11;
      const ay = r.y - w.oy + r.h / 2;
      w.body.push(`<path d="M${num(ax)},${num(ay - 2)} l4,4 l4,-4" fill="none" stroke="${esc(cs.color)}" stroke-width="1.2"${w.clipAttr(clip)}/>`);
    }
    return;
  }

  let inner = clip;
  const clips = cs.overflowX !== 'visible' || cs.overflowY !== 'visible';
  if (clips && !opts.noClip?.(el)) inner = clip ? intersect(clip, r) : r;
  // A table's rows stay rows in the picture (<g data-row>): whoever reads the SVG can count them.
  const row = isDataRow(el) && visibleIn(r, clip);
  if (row) w.body.push('<g data-row="">');
  for (const child of el.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) emitText(w, child as Text, cs, inner);
    else if (child.nodeType === Node.ELEMENT_NODE) walk(w, child as Element, inner, opts);
  }
  if (row) w.body.push('</g>');
}

/** A row of data: a table body's row or an element with the ARIA role row (not a header row). */
function isDataRow(el: Element): boolean {
  if (el.closest('thead')) return false;
  return (el.localName === 'tr' && el.parentElement?.localName === 'tbody') || el.getAttribute('role') === 'row';
}

/** The element as SVG content in its own coordinates (0,0 = its top-left corner). */
export function serializeElement(root: Element, opts: SerializeOptions = {}): SerializedPart {
  const r = root.getBoundingClientRect();
  const top = opts.cropTop ?? 0;
  const w = new Writer(r.left, r.top + top);
  walk(w, root, opts.noClip?.(root) ? null : rectOf(r), opts);
  return {
    body: w.body.join('\n'),
    defs: w.defs.join('\n'),
    width: Math.ceil(Math.max(r.width, w.maxX)),
    height: Math.ceil(opts.noClip?.(root) ? Math.max(r.height - top, w.maxY) : r.height - top),
  };
}
