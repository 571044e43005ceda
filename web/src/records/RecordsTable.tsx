/**
 * The records table: a framed box with a sticky header; a checkbox per row for bulk
 * actions; headers with the field's type icon that sort (click again to reverse) and
 * resize (drag the edge, or ←/→ on it); the id links to the record's form.
 */
import type { CollectionField, RecordModel } from 'pocketbase';
import { Inbox } from 'lucide-react';
import { fieldIcon } from '../collections/field-types';
import { EmptyState } from '../ui/EmptyState';
import { CellValue } from './CellValue';
import { ColumnResizer } from './ColumnResizer';
import { recordPath } from './model';
import { isExtractionField } from './extraction';

interface Props {
  collection: string;
  fields: CollectionField[];
  /** Every field of the collection (a column's meaning may depend on another, hidden one). */
  allFields?: CollectionField[];
  records: RecordModel[];
  sort: string;
  onSort: (sort: string) => void;
  selected: Set<string>;
  onSelect: (ids: string[], on: boolean) => void;
  fileToken: string;
  widths: Record<string, number>;
  onResize: (name: string, width: number) => void;
  filtered: boolean;
}

const DEFAULT_WIDTH = 160;

function nextSort(sort: string, name: string): string {
  if (sort === name) return `-${name}`;
  return name;
}

export function RecordsTable({ collection, fields, allFields = fields, records, sort, onSort, selected, onSelect, fileToken, widths, onResize, filtered }: Props) {
  const allOn = records.length > 0 && records.every((r) => selected.has(r.id));
  const size = (name: string) => (widths[name] ? { width: widths[name], minWidth: widths[name], maxWidth: widths[name] } : undefined);
  return (
    <div className="rec-table-wrap table-frame">
      <table className="rec-table">
        <thead>
          <tr>
            <th className="rec-select">
              <input type="checkbox" aria-label="Select all rows" checked={allOn}
                onChange={(e) => onSelect(records.map((r) => r.id), e.target.checked)} />
            </th>
            {fields.map((f) => {
              const dir = sort === f.name ? 'ascending' : sort === `-${f.name}` ? 'descending' : undefined;
              const Icon = fieldIcon(f.type);
              return (
                <th key={f.name} aria-sort={dir} style={size(f.name)} className={`rec-th rec-col-${f.type}`}>
                  <button type="button" className="link rec-sort" onClick={() => onSort(nextSort(sort, f.name))}>
                    <Icon className="icon" aria-hidden="true" />
                    {f.name}{dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''}
                  </button>
                  <ColumnResizer name={f.name} width={widths[f.name] ?? DEFAULT_WIDTH} onResize={(w) => onResize(f.name, w)} />
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
                <td key={f.name} style={size(f.name)} className={`rec-col-${f.type}`}>
                  {f.name === 'id'
                    ? <a className="rec-id" href={`#${recordPath(collection, r.id)}`}>{r.id}</a>
                    : <CellValue record={r} field={f} fileToken={fileToken} extraction={isExtractionField(f, allFields)} />}
                </td>
              ))}
            </tr>
          ))}
          {records.length === 0 && (
            <tr className="rec-empty">
              <td colSpan={fields.length + 1}>
                <EmptyState icon={Inbox} title={filtered ? 'No records match the filter' : 'No records yet'} />
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
