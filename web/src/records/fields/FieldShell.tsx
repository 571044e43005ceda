/**
 * The frame around one input: its label (or legend, for inputs made of several
 * controls), the field's help text and the API's error for it.
 */
import type { ReactNode } from 'react';
import type { CollectionField } from 'pocketbase';
import { fieldIcon } from '../../collections/field-types';

export interface FieldProps<V> {
  field: CollectionField;
  value: V;
  onChange: (v: V) => void;
  error?: string;
}

export const inputId = (f: CollectionField) => `rec-field-${f.name}`;
export const errorId = (f: CollectionField) => `rec-field-${f.name}-error`;

/** aria props that tie an input to its error message. */
export function errorAria(f: CollectionField, error?: string) {
  return { 'aria-invalid': !!error || undefined, 'aria-describedby': error ? errorId(f) : undefined };
}

export function FieldShell({ field, error, group, children, note }: { field: CollectionField; error?: string; group?: boolean; children: ReactNode; note?: ReactNode }) {
  const Icon = fieldIcon(field.type);
  const title = (
    <span className="rec-field-title">
      <Icon className="icon" aria-hidden="true" />{field.name}{field.required ? <span aria-hidden="true" className="rec-required"> *</span> : null}
      <span className="muted rec-field-type">{field.type}</span>
    </span>
  );
  const tail = (
    <>
      {note}
      {field.help ? <span className="muted">{String(field.help)}</span> : null}
      {error && <span id={errorId(field)} className="error rec-field-error" role="alert">{error}</span>}
    </>
  );
  if (group) {
    return <fieldset className="rec-field"><legend>{title}</legend>{children}{tail}</fieldset>;
  }
  return <div className="rec-field"><label htmlFor={inputId(field)}>{title}</label>{children}{tail}</div>;
}
