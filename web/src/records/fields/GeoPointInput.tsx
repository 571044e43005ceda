/** geoPoint: longitude and latitude as two number inputs. */
import { FieldShell, type FieldProps } from './FieldShell';

export interface GeoDraft { lon: string; lat: string }

export function GeoPointInput({ field, value, onChange, error }: FieldProps<GeoDraft>) {
  return (
    <FieldShell field={field} error={error} group>
      <div className="rec-inline-row">
        <label className="rec-inline">Longitude
          <input type="number" step="any" min={-180} max={180} value={value.lon} onChange={(e) => onChange({ ...value, lon: e.target.value })} />
        </label>
        <label className="rec-inline">Latitude
          <input type="number" step="any" min={-90} max={90} value={value.lat} onChange={(e) => onChange({ ...value, lat: e.target.value })} />
        </label>
      </div>
    </FieldShell>
  );
}
