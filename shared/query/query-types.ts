/**
 * Queries the UI can ask of one source, and their results. Each is answered by a pure function in
 * shared/query over the source's model, inside the engine worker that holds it.
 */
export type SourceQuery = { type: 'summary' };

export type QueryResult = { type: 'summary'; figures: Record<string, unknown> };
