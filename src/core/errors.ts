/**
 * The error catalogue. Every failure that reaches a client is an ApiError and is
 * rendered as PocketBase's `{status, message, data}` body; anything else is a 500
 * whose details stay in the log.
 */

export interface FieldError {
  code: string;
  message: string;
  params?: Record<string, unknown>;
}

/** Field errors keyed by field name; nested structures nest (fields.3.name). */
export interface ErrorData {
  [key: string]: FieldError | ErrorData;
}

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Something went wrong while processing your request.',
  401: 'Missing or invalid authentication.',
  403: 'You are not allowed to perform this request.',
  404: "The requested resource wasn't found.",
  413: 'Request entity too large.',
  429: 'Too Many Requests.',
  500: 'Something went wrong while processing your request.',
};

/** Marks ApiErrors across copies of this module (hook files import `galley` from its build). */
const API_ERROR = Symbol.for('galley.ApiError');

export class ApiError extends Error {
  readonly data: ErrorData;
  readonly [API_ERROR] = true;

  /** `instanceof` by brand, so an ApiError thrown by code that loaded another copy of Galley still counts. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses keep the ordinary prototype check.
    if (this !== ApiError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[API_ERROR] === true;
  }

  constructor(
    readonly status: number,
    message?: string,
    data: ErrorData = {},
  ) {
    super(normaliseMessage(message || DEFAULT_MESSAGES[status] || DEFAULT_MESSAGES[400]!));
    this.data = data;
  }

  toJSON(): Record<string, unknown> {
    return { status: this.status, message: this.message, data: this.data };
  }
}

/** First letter upper-cased, a final full stop unless it ends in . ? or ! */
export function normaliseMessage(message: string): string {
  const m = message.trim();
  if (!m) return m;
  const first = m[0]!.toUpperCase() + m.slice(1);
  return /[.?!]$/.test(first) ? first : `${first}.`;
}

export const badRequest = (message?: string, data?: ErrorData) => new ApiError(400, message, data);
export const unauthorized = (message?: string) => new ApiError(401, message);
export const forbidden = (message?: string) => new ApiError(403, message);
export const notFound = (message?: string) => new ApiError(404, message);

export function fieldError(code: string, message: string, params?: Record<string, unknown>): FieldError {
  return params ? { code, message, params } : { code, message };
}

export const required = () => fieldError('validation_required', 'Cannot be blank.');

export function isFieldError(v: FieldError | ErrorData): v is FieldError {
  return typeof (v as FieldError).code === 'string' && typeof (v as FieldError).message === 'string';
}
