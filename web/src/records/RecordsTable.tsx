/**
 * The records table: a checkbox per row for bulk actions, headers that sort (click
 * again to reverse), and the id linking to the record's form.
 */
import type { CollectionField, RecordModel } from 'pocketbase';
import { CellValue } from './CellValue';
import { recordPath } from './model';

interface Props {
  collection: string;
  fields: CollectionField[];
  records: RecordModel[];
  sort: string;
  onSort: (sort: string) => void;
  selected: Set<string>;
  onSelect: (ids: string[], on: boolean) => void;
  fileToken: string;
}

function nextSort(sort: string, name: string): string {
  if (sort === name) return `-${name}`;
  return name;
}

export function RecordsTable({ collection, fields, records, sort, onSort, selected, onSelect, fileToken }: Props) {
  const allOn = records.length > 0 && records.every((r) => selected.has(r.id));
  return (
    <div className="rec-table-wrap">
      <table className="rec-table">
        <thead>
          <tr>
            <th className="rec-select">
              <input type="checkbox" aria-label="Select all rows" checked={allOn}
                onChange={(e) => onSelect(records.map((r) => r.id), e.target.checked)} />
            </th>
            {fields.map((f) => {
              const dir = sort === f.name ? 'ascending' : sort === `-${f.name}` ? 'descending' : undefined;
              return (
                <th key={f.name} aria-sort={dir}>
                  <button type="button" className="link rec-sort" onClick={() => onSort(nextSort(sort, f.name))}>
                    {f.name}{dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''}
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.id} className={selected.has(r.id) ? 'rec-row-selected' : undefined}>
              <td className="rec-select">
                <input type="checkbox" aria-label={`Select ${r.id}`} checked={selected.has(r.id)}
                  onChange={(e) => onSelect([r.id], e.target.checked)} />
              </td>
              {fields.map((f) => (
                <td key={f.name}>
                  {f.name === 'id'
                    ? <a href={`#${recordPath(collection, r.id)}`}>{r.id}</a>
                    : <CellValue record={r} field={f} fileToken={fileToken} />}
                </td>
              ))}
            </tr>
          ))}
          {records.length === 0 && (
            <tr><td colSpan={fields.length + 1} className="muted">No records.</td></tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
