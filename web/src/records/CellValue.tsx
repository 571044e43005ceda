/**
 * One table cell, by field type: relative dates with the exact time on hover, bools
 * as badges, JSON as a one-line code preview, relations as chips (labelled from the
 * expanded record), file thumbnails. Values are rendered as React text (escaped),
 * never as HTML: editor fields show their raw markup as text, so stored `<script>` is
 * just characters here.
 */
import type { CollectionField, RecordModel } from 'pocketbase';
import { FileText } from 'lucide-react';
import { pb } from '../lib/api';
import { parseStored, relativeTime } from '../lib/relative-time';
import { Badge } from '../ui/Badge';
import { Tooltip } from '../ui/Tooltip';
import { asList, isImageName, textOf, thumbable } from './model';
import { ExtractionChip } from './extraction';

const LABEL_KEYS = ['name', 'title', 'label', 'username', 'email'];
const META_KEYS = new Set(['id', 'collectionId', 'collectionName', 'created', 'updated', 'expand']);

/** A short name for an expanded related record: a name-like field, else its first short text, else the id. */
export function relatedLabel(r: RecordModel | undefined, id: string): string {
  if (!r) return id;
  for (const k of LABEL_KEYS) if (typeof r[k] === 'string' && r[k]) return r[k] as string;
  for (const [k, v] of Object.entries(r)) if (!META_KEYS.has(k) && typeof v === 'string' && v && v.length <= 60) return v;
  return id;
}

function JsonPreview({ value }: { value: unknown }) {
  if (value === null || value === undefined || value === '') return <span className="muted">null</span>;
  const text = JSON.stringify(value);
  return <code className="rec-json" title={text.length > 60 ? text.slice(0, 500) : undefined}>{text.length > 80 ? `${text.slice(0, 80)}…` : text}</code>;
}

export function CellValue({ record, field, fileToken, extraction = false }: { record: RecordModel; field: CollectionField; fileToken: string; extraction?: boolean }) {
  const value: unknown = record[field.name];
  if (extraction) return <ExtractionChip value={value} />;
  switch (field.type) {
    case 'bool': return <Badge tone={value ? 'success' : 'neutral'}>{value ? 'true' : 'false'}</Badge>;
    case 'json': return <JsonPreview value={value} />;
    // Hundreds of numbers say nothing in a table cell: their count does (the form shows them).
    case 'vector': return Array.isArray(value) && value.length > 0 ? <Badge>{value.length} numbers</Badge> : <span className="muted">—</span>;
    case 'date':
    case 'autodate': {
      const d = typeof value === 'string' ? parseStored(value) : null;
      if (!d) return <span className="muted">{textOf(value)}</span>;
      return <Tooltip tip={`${value as string} UTC`}><time dateTime={d.toISOString()}>{relativeTime(d)}</time></Tooltip>;
    }
    case 'relation': {
      const ids = asList(value);
      const expanded = (record.expand ?? {})[field.name] as RecordModel | RecordModel[] | undefined;
      const list = Array.isArray(expanded) ? expanded : expanded ? [expanded] : [];
      return (
        <span className="rec-chips">
          {ids.map((id) => <span key={id} className="rec-chip" title={id}>{relatedLabel(list.find((r) => r.id === id), id)}</span>)}
        </span>
      );
    }
    case 'file': {
      const names = asList(value);
      return (
        <span className="rec-cell-files">
          {names.map((name) => isImageName(name)
            ? <img key={name} className="rec-thumb-sm" alt={name} title={name}
                src={pb.files.getURL(record, name, { thumb: thumbable(name) ? '100x100' : undefined, token: fileToken || undefined })} />
            : <span key={name} className="rec-chip"><FileText className="icon" aria-hidden="true" />{name}</span>)}
        </span>
      );
    }
  }
  const text = textOf(value);
  return <span title={text.length > 40 ? text.slice(0, 500) : undefined}>{text}</span>;
}
