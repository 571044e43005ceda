/** Marks input that could not be cast, so validate() can name the problem. */
export class InvalidValue {
  constructor(
    readonly raw: unknown,
    readonly code = 'validation_invalid_value',
    readonly message = 'Invalid value.',
  ) {}
}
