import type { CollectionModel } from 'pocketbase';
import type { Errors, Field } from '../model';

/** What every field-type option editor receives; errors are relative to the field. */
export interface OptionProps {
  field: Field;
  set: (patch: Partial<Field>) => void;
  errors: Errors;
  collections: CollectionModel[];
  /** Every field of the collection being edited (the file field's extraction target is one of them). */
  fields: Field[];
}

/** The error for an option, or for any of its items (`values.2`). */
export function optionError(errors: Errors, key: string): string | undefined {
  return errors[key] ?? Object.entries(errors).find(([k]) => k.startsWith(`${key}.`))?.[1];
}

export const num = (v: unknown) => (typeof v === 'number' ? v : null);
export const str = (v: unknown) => (typeof v === 'string' ? v : '');
export const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : []);
