/**
 * One table cell. Values are rendered as React text (escaped), never as HTML: editor
 * fields show their raw markup as text, so stored `<script>` is just characters here.
 */
import type { CollectionField, RecordModel } from 'pocketbase';
import { pb } from '../lib/api';
import { asList, isImageName, textOf, thumbable } from './model';

export function CellValue({ record, field, fileToken }: { record: RecordModel; field: CollectionField; fileToken: string }) {
  const value: unknown = record[field.name];
  if (field.type === 'bool') return <span>{value ? 'true' : 'false'}</span>;
  if (field.type === 'file') {
    const names = asList(value);
    return (
      <span className="rec-cell-files">
        {names.map((name) => isImageName(name)
          ? <img key={name} className="rec-thumb-sm" alt={name} title={name} loading="lazy"
              src={pb.files.getURL(record, name, { thumb: thumbable(name) ? '100x100' : undefined, token: fileToken || undefined })} />
          : <span key={name} className="rec-chip">{name}</span>)}
      </span>
    );
  }
  const text = textOf(value);
  return <span title={text.length > 40 ? text.slice(0, 500) : undefined}>{text}</span>;
}
