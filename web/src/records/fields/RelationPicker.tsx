/**
 * relation: the chosen records (removable) and a search over the related collection.
 * The search matches the id and the related collection's text-like fields.
 */
import { useEffect, useState } from 'react';
import type { CollectionModel, RecordModel } from 'pocketbase';
import { errorMessage, pb } from '../../lib/api';
import { isMultiple, textOf } from '../model';
import { useCollection } from '../useCollection';
import { useDebounced } from '../useRecordList';
import { FieldShell, type FieldProps } from './FieldShell';

const SEARCHABLE = new Set(['text', 'email', 'url', 'editor']);

/** A short human label: the presentable field, else the first text-like field, else the id. */
function labelOf(c: CollectionModel, r: RecordModel): string {
  const f = c.fields.find((x) => x.presentable) ?? c.fields.find((x) => x.name !== 'id' && SEARCHABLE.has(x.type) && !x.hidden);
  const text = f ? textOf(r[f.name]) : '';
  return text ? `${text} (${r.id})` : r.id;
}

function searchFilter(c: CollectionModel, q: string): string {
  const names = ['id', ...c.fields.filter((f) => f.name !== 'id' && SEARCHABLE.has(f.type) && !f.hidden && f.type !== 'password').map((f) => f.name)];
  return names.map((n) => pb.filter(`${n} ~ {:q}`, { q })).join(' || ');
}

export function RelationPicker({ field, value, onChange, error }: FieldProps<string | string[]>) {
  const multiple = isMultiple(field);
  const ids = Array.isArray(value) ? value : value ? [value] : [];
  const { collection: related } = useCollection(String(field.collectionId));
  const [labels, setLabels] = useState<Record<string, string>>({});
  const [query, setQuery] = useState('');
  const q = useDebounced(query, 250);
  const [found, setFound] = useState<RecordModel[]>([]);
  const [searchError, setSearchError] = useState('');

  const remember = (rs: RecordModel[]) => related && setLabels((l) => ({ ...l, ...Object.fromEntries(rs.map((r) => [r.id, labelOf(related, r)])) }));

  // Labels for what is already chosen.
  const missing = ids.filter((id) => !labels[id]).join(',');
  useEffect(() => {
    if (!related || !missing) return;
    const filter = missing.split(',').map((id) => pb.filter('id = {:id}', { id })).join(' || ');
    pb.collection(related.id).getList(1, 100, { filter }).then((res) => remember(res.items), () => undefined);
  }, [related, missing]);

  useEffect(() => {
    if (!related) return;
    let live = true;
    pb.collection(related.id).getList(1, 10, { filter: q.trim() ? searchFilter(related, q.trim()) : undefined }).then(
      (res) => { if (live) { setFound(res.items); setSearchError(''); remember(res.items); } },
      (err) => { if (live) setSearchError(errorMessage(err)); },
    );
    return () => { live = false; };
  }, [related, q]);

  const pick = (id: string) => {
    if (!multiple) onChange(id);
    else if (!ids.includes(id)) onChange([...ids, id]);
  };
  const drop = (id: string) => onChange(multiple ? ids.filter((x) => x !== id) : '');

  return (
    <FieldShell field={field} error={error} group>
      <ul className="rec-chosen" aria-label={`Chosen ${field.name}`}>
        {ids.map((id) => (
          <li key={id} className="rec-chip">
            <span>{labels[id] ?? id}</span>
            <button type="button" className="link" aria-label={`Remove ${labels[id] ?? id}`} onClick={() => drop(id)}>✕</button>
          </li>
        ))}
        {ids.length === 0 && <li className="muted">None chosen</li>}
      </ul>
      <label className="rec-inline">Search {related?.name ?? 'related records'}
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} aria-label={`Search ${field.name}`} />
      </label>
      {searchError && <span className="error">{searchError}</span>}
      <ul className="rec-found" aria-label={`Results for ${field.name}`}>
        {found.map((r) => (
          <li key={r.id}>
            <button type="button" className="secondary" aria-pressed={ids.includes(r.id)} onClick={() => pick(r.id)}>
              {related ? labelOf(related, r) : r.id}
            </button>
          </li>
        ))}
      </ul>
    </FieldShell>
  );
}
