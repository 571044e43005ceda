/** A problem in a filter, sort or rule expression, with where it is. */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly pos = -1,
  ) {
    super(message);
  }
}

/** Text for an error message with control characters and line breaks escaped, so the message stays one line. */
export const printable = (text: string) =>
  text.replace(/[\p{Cc}\u2028\u2029]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
