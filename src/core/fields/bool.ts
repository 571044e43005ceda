import type { FieldType } from './field.js';
import { required } from '../errors.js';

function castBool(raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return raw !== 0;
  if (typeof raw === 'string') return ['1', 't', 'true', 'TRUE', 'True', 'T'].includes(raw.trim());
  return false;
}

export const boolField: FieldType = {
  type: 'bool',
  defaults: { required: false },
  validateOptions() {},
  column: (_f, dialect) => (dialect === 'sqlite' ? 'BOOLEAN DEFAULT FALSE NOT NULL' : 'boolean DEFAULT false NOT NULL'),
  isMultiple: () => false,
  prepare: castBool,
  // "required" on a bool means it must be true (PocketBase semantics).
  validate: (value, field) => (field.required && value !== true ? required() : undefined),
  toDb: (value, _f, dialect) => (dialect === 'sqlite' ? (value ? 1 : 0) : value === true),
  fromDb: (raw) => raw === true || raw === 1 || raw === '1' || raw === 'true',
  empty: () => false,
};
