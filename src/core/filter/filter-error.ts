/** A problem in a filter, sort or rule expression, with where it is. */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly pos = -1,
  ) {
    super(message);
  }
}
