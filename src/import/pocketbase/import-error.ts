/** A failed import, told in one line (the CLI prints the message as it is). */
export class ImportError extends Error {}
