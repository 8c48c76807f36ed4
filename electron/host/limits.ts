/** Inputs larger than this are refused with a clear reason before anything is read. */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;
