// Types of scripts/cli-bundle.mjs (plain JS: bin/tracedeck.mjs imports it before any TypeScript loader).
export declare const CLI_ENTRY: string;
export declare const CLI_BUNDLE: string;
export declare function cliBundleIsStale(): boolean;
export declare function buildCliBundle(): Promise<void>;
export declare function cliBundle(log?: (msg: string) => void): Promise<string | null>;
