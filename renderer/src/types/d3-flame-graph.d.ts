/**
 * The part of d3-flame-graph 5.0.0 we use (the package ships no types). Nodes are d3-hierarchy
 * nodes over our data objects, after layout (x0/x1 are fractions of the root's width).
 */
declare module 'd3-flame-graph' {
  export interface FlameHierarchyNode<T> {
    data: T;
    parent: FlameHierarchyNode<T> | null;
    children?: FlameHierarchyNode<T>[];
    depth: number;
    value: number;
    x0: number;
    x1: number;
    highlight?: boolean;
    ancestors(): FlameHierarchyNode<T>[];
  }
  export interface FlameTooltip<T> {
    (selection: unknown): void;
    show(event: MouseEvent, d: FlameHierarchyNode<T>): void;
    hide(): void;
  }
  export interface FlameGraph<T> {
    (selection: unknown): void;
    width(px: number): FlameGraph<T>;
    cellHeight(px: number): FlameGraph<T>;
    minHeight(px: number): FlameGraph<T>;
    minFrameSize(px: number): FlameGraph<T>;
    transitionDuration(ms: number): FlameGraph<T>;
    inverted(on: boolean): FlameGraph<T>;
    sort(on: boolean | ((a: FlameHierarchyNode<T>, b: FlameHierarchyNode<T>) => number)): FlameGraph<T>;
    selfValue(on: boolean): FlameGraph<T>;
    resetHeightOnZoom(on: boolean): FlameGraph<T>;
    tooltip(tip: FlameTooltip<T>): FlameGraph<T>;
    onClick(fn: (d: FlameHierarchyNode<T>) => void): FlameGraph<T>;
    setColorMapper(fn: (d: FlameHierarchyNode<T>, originalColor: string) => string): FlameGraph<T>;
    setSearchMatch(fn: (d: FlameHierarchyNode<T>, term: string) => boolean): FlameGraph<T>;
    /** The text drawn in a frame (and hashed for its colour); default d.data.name. */
    getName(fn: (d: FlameHierarchyNode<T>) => string): FlameGraph<T>;
    setSearchHandler(fn: (results: FlameHierarchyNode<T>[], sum: number, total: number) => void): FlameGraph<T>;
    setDetailsHandler(fn: (text: string | null) => void): FlameGraph<T>;
    search(term: string): void;
    clear(): void;
    update(data?: T): FlameGraph<T>;
    destroy(): FlameGraph<T>;
  }
  export default function flamegraph<T = unknown>(): FlameGraph<T>;
}
