/**
 * The caps every extraction runs under (besides the worker's memory and time limits,
 * extractor-pool.ts), and the error a format reader throws for a file it refuses:
 * its message is the reason stored in `<file>Extraction.error`.
 */
export interface ExtractLimits {
  /** PDF pages read; pages beyond are left out (and said so at the end of the text). */
  maxPages: number;
  /** Bytes a zip-based document (DOCX, ODT, PPTX, XLSX) may unpack to, all entries together. */
  maxUnpackedBytes: number;
  /** Entries in such a zip. */
  maxZipEntries: number;
  /** Characters of text kept per file. */
  maxChars: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxPages: 2000,
  maxUnpackedBytes: 200 * 1024 * 1024,
  maxZipEntries: 10_000,
  maxChars: 10_000_000,
};

/** A file that cannot be extracted, with the reason (not a Galley bug). */
export class ExtractError extends Error {}
