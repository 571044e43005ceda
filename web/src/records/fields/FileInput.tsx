/**
 * file: the stored files (thumbnails for images via `?thumb=100x100`) each with a
 * remove toggle, and new uploads with local previews. Saving sends removals as
 * `field-` and uploads as `field+` (or `field` on create).
 */
import { useEffect, useMemo } from 'react';
import type { RecordModel } from 'pocketbase';
import { pb } from '../../lib/api';
import { isImageName, isMultiple, thumbable } from '../model';
import { errorAria, FieldShell, inputId, type FieldProps } from './FieldShell';

export interface FileDraft { kept: string[]; removed: string[]; added: File[] }

function NewFilePreview({ file, onRemove }: { file: File; onRemove: () => void }) {
  const url = useMemo(() => (file.type.startsWith('image/') ? URL.createObjectURL(file) : ''), [file]);
  useEffect(() => () => { if (url) URL.revokeObjectURL(url); }, [url]);
  return (
    <li className="rec-file rec-file-new">
      {url ? <img className="rec-thumb" src={url} alt={`Preview of ${file.name}`} /> : <span className="rec-file-icon" aria-hidden="true">📄</span>}
      <span className="rec-file-name">{file.name} <span className="muted">(new)</span></span>
      <button type="button" className="link" onClick={onRemove}>Remove</button>
    </li>
  );
}

export function FileInput({ field, value, onChange, error, record, fileToken }: FieldProps<FileDraft> & { record: RecordModel | null; fileToken: string }) {
  const multiple = isMultiple(field);
  const token = fileToken || undefined;
  const toggle = (name: string) => onChange(value.removed.includes(name)
    ? { ...value, removed: value.removed.filter((n) => n !== name) }
    : { ...value, removed: [...value.removed, name] });
  const add = (files: File[]) => {
    if (!files.length) return;
    // One-file fields: a new upload replaces whatever is stored.
    if (!multiple) onChange({ ...value, removed: [...value.kept], added: files.slice(0, 1) });
    else onChange({ ...value, added: [...value.added, ...files] });
  };

  return (
    <FieldShell field={field} error={error}>
      <ul className="rec-files">
        {record && value.kept.map((name) => {
          const removed = value.removed.includes(name);
          return (
            <li key={name} className={`rec-file${removed ? ' rec-file-removed' : ''}`}>
              {isImageName(name)
                ? <img className="rec-thumb" alt={name} src={pb.files.getURL(record, name, { thumb: thumbable(name) ? '100x100' : undefined, token })} />
                : <span className="rec-file-icon" aria-hidden="true">📄</span>}
              <a className="rec-file-name" href={pb.files.getURL(record, name, { token })} target="_blank" rel="noreferrer noopener">{name}</a>
              <button type="button" className="link" aria-label={`${removed ? 'Restore' : 'Remove'} ${name}`} onClick={() => toggle(name)}>{removed ? 'Restore' : 'Remove'}</button>
            </li>
          );
        })}
        {value.added.map((file, i) => (
          <NewFilePreview key={`${file.name}-${i}`} file={file} onRemove={() => onChange({ ...value, added: value.added.filter((_, j) => j !== i) })} />
        ))}
      </ul>
      <input id={inputId(field)} type="file" multiple={multiple} {...errorAria(field, error)}
        accept={Array.isArray(field.mimeTypes) && field.mimeTypes.length ? field.mimeTypes.join(',') : undefined}
        onChange={(e) => { add(Array.from(e.target.files ?? [])); e.target.value = ''; }} />
    </FieldShell>
  );
}
