/**
 * The contract every field type implements. A new field type is one new file that
 * exports a FieldType and one line in registry.ts.
 */
import type { DialectName } from '../../store/dialect.js';
import type { StoreFeatures } from '../../store/store-features.js';
import type { FieldError } from '../errors.js';

/** A field as stored in a collection definition and echoed by the API. */
export interface FieldModel {
  id: string;
  name: string;
  type: string;
  system: boolean;
  hidden: boolean;
  presentable: boolean;
  help: string;
  [option: string]: unknown;
}

/** Reports a problem with one option of a field definition. */
export type OptionErrorSink = (option: string, error: FieldError) => void;

export interface FieldType {
  readonly type: string;
  /** Type-specific option keys with their defaults. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Checks and normalises the options of a definition (mutating field). */
  validateOptions(field: FieldModel, report: OptionErrorSink): void;
  /** SQL column type and default, per engine (and its optional features: pgvector). */
  column(field: FieldModel, dialect: DialectName, features?: StoreFeatures): string;
  /** True when the stored value is a JSON array of values. */
  isMultiple(field: FieldModel): boolean;
  /** Casts client input (JSON or inferred form values) into the field's value. */
  prepare(raw: unknown, field: FieldModel): unknown;
  /** Validates a prepared value; undefined when valid. */
  validate(value: unknown, field: FieldModel): FieldError | undefined;
  /** The value in bind-parameter form for the engine. */
  toDb(value: unknown, field: FieldModel, dialect: DialectName, features?: StoreFeatures): unknown;
  /** The value as read from the engine, in API (JSON) form. */
  fromDb(raw: unknown, field: FieldModel): unknown;
  /** The value a new record gets when the client gives none. */
  empty(field: FieldModel): unknown;
}
