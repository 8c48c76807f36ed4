// Types of scripts/node-bundle.mjs (plain JS: bin/tracedeck.mjs reaches it before any TypeScript loader).
export declare function newestMtime(path: string, opts?: { folders?: boolean }): number;
export declare function bundleIsStale(outfile: string, sources: readonly string[], opts?: { folders?: boolean }): boolean;
export declare function buildNodeBundle(o: { entry: string; outfile: string; banner: string; chunkPrefix?: string }): Promise<void>;
