import type { FieldType } from './field.js';
import { fieldError, required } from '../errors.js';
import { InvalidValue } from './invalid-value.js';

interface GeoPoint { lon: number; lat: number }

/** Numbers and numeric strings only (Number() on a nested array recurses without bound). */
function coordinate(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

function castPoint(raw: unknown): GeoPoint | InvalidValue {
  let v = raw;
  if (v === null || v === undefined || v === '') return { lon: 0, lat: 0 };
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      return new InvalidValue(raw, 'validation_invalid_geo_point', 'Must be an object with numeric lon and lat.');
    }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return new InvalidValue(raw, 'validation_invalid_geo_point', 'Must be an object with numeric lon and lat.');
  const o = v as Record<string, unknown>;
  const lon = coordinate(o.lon);
  const lat = coordinate(o.lat);
  if (!Number.isFinite(lon) || !Number.isFinite(lat))
    return new InvalidValue(raw, 'validation_invalid_geo_point', 'Must be an object with numeric lon and lat.');
  return { lon, lat };
}

export const geoPointField: FieldType = {
  type: 'geoPoint',
  defaults: { required: false },
  validateOptions() {},
  column: (_f, dialect) =>
    dialect === 'sqlite' ? `JSON DEFAULT '{"lon":0,"lat":0}' NOT NULL` : `jsonb DEFAULT '{"lon":0,"lat":0}'::jsonb NOT NULL`,
  isMultiple: () => false,
  prepare: castPoint,
  validate(value, field) {
    if (value instanceof InvalidValue) return fieldError(value.code, value.message);
    const p = value as GeoPoint;
    if (p.lon === 0 && p.lat === 0) return field.required ? required() : undefined;
    // One code per coordinate, as PocketBase reports them (apps localise on the codes).
    if (p.lat < -90 || p.lat > 90) return fieldError('validation_invalid_latitude', 'Latitude must be between -90 and 90 degrees.');
    if (p.lon < -180 || p.lon > 180) return fieldError('validation_invalid_longitude', 'Longitude must be between -180 and 180 degrees.');
    return undefined;
  },
  toDb: (value) => JSON.stringify(value),
  fromDb(raw) {
    const p = castPoint(raw);
    return p instanceof InvalidValue ? { lon: 0, lat: 0 } : p;
  },
  empty: () => ({ lon: 0, lat: 0 }),
};
