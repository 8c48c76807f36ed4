/** A parse failure with the reason and, where known, the byte offset. Never thrown for I/O. */
export class IngestError extends Error {
  constructor(
    readonly reason: string,
    readonly offset?: number,
  ) {
    super(offset === undefined ? reason : `${reason} (at byte ${offset})`);
    this.name = 'IngestError';
  }
}

/** Thrown when the caller's AbortSignal fires during a parse. */
export class IngestCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'IngestCancelled';
  }
}

/** Options every parser accepts. Parsers report progress as a fraction 0..1 of the input consumed. */
export interface ParseOptions {
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** File modification time (epoch ms), used to place sources that carry no clock of their own. */
  mtimeMs?: number;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new IngestCancelled();
}
