/**
 * The playground's search: POST /api/collections/{c}/search as the chosen identity,
 * by text (the field's embedder) or by a vector, with k, a filter and the mode (vector,
 * or hybrid: vector and full-text ranks fused). The results show what that identity
 * may see, in rank order, with their distance, fused score and nearest chunk.
 */
import { useId, useState, type FormEvent } from 'react';
import type { CollectionModel } from 'pocketbase';
import { Search } from 'lucide-react';
import { Button } from '../ui/Button';
import { fieldMessages, postAs, type Identity } from './acting-client';
import { recordHref, recordTitle } from './results';
import { Control } from './Control';

interface Chunk { text: string; start: number; end: number; page: number | null }
type Item = Record<string, unknown> & { id: string; '@distance'?: number | null; '@score'?: number; '@chunk'?: Chunk };

const fmt = (n: unknown) => (typeof n === 'number' ? n.toFixed(4) : '—');

export function SearchPanel({ collection, who }: { collection: CollectionModel; who: Identity }) {
  const id = useId();
  const vectorFields = collection.fields.filter((f) => f.type === 'vector');
  const [field, setField] = useState(vectorFields[0]?.name ?? '');
  const [mode, setMode] = useState<'vector' | 'hybrid'>('vector');
  const [queryBy, setBy] = useState<'text' | 'vector'>('text');
  // Hybrid search needs the text: it is both the full-text query and what the embedder turns into the vector.
  const by = mode === 'hybrid' ? 'text' : queryBy;
  const [query, setQuery] = useState('');
  const [k, setK] = useState(10);
  const [filter, setFilter] = useState('');
  const [items, setItems] = useState<Item[] | null>(null);
  // The mode the shown results were searched with (the select may have moved since).
  const [shownMode, setShownMode] = useState(mode);
  const [error, setError] = useState<{ message: string; details: string[] } | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      let q: unknown = query;
      if (by === 'vector') {
        try { q = JSON.parse(query); } catch { throw new Error('The vector must be a JSON array of numbers, e.g. [0.1, -0.2, 0.3].'); }
      }
      const body = { field, [by]: q, k, ...(filter.trim() ? { filter } : {}), ...(mode === 'hybrid' ? { mode } : {}) };
      const res = await postAs(who, `/api/collections/${encodeURIComponent(collection.name)}/search`, body);
      setItems(((await res.json()) as { items: Item[] }).items);
      setShownMode(mode);
    } catch (err) {
      setItems(null);
      setError({ message: (err as Error).message, details: fieldMessages(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="pg-panel" onSubmit={(e) => void run(e)} aria-label="Search">
      <div className="pg-row">
        <Control id={`${id}-field`} label="Vector field">
          <select id={`${id}-field`} value={field} onChange={(e) => setField(e.target.value)}>
            {vectorFields.map((f) => <option key={f.name} value={f.name}>{f.name}{f.embedder ? ` (${String(f.embedder)})` : ' (no embedder)'}</option>)}
          </select>
        </Control>
        <Control id={`${id}-by`} label="Query by">
          <select id={`${id}-by`} value={by} disabled={mode === 'hybrid'} onChange={(e) => setBy(e.target.value as 'text' | 'vector')}>
            <option value="text">Text (embedded by the field's embedder)</option>
            <option value="vector">Vector (JSON array)</option>
          </select>
        </Control>
        <Control id={`${id}-mode`} label="Mode">
          <select id={`${id}-mode`} value={mode} onChange={(e) => setMode(e.target.value as 'vector' | 'hybrid')}>
            <option value="vector">Vector</option>
            <option value="hybrid">Hybrid (vector + full-text, by text)</option>
          </select>
        </Control>
        <Control id={`${id}-k`} className="pg-narrow" label="k">
          <input id={`${id}-k`} type="number" min={1} max={1000} value={k} onChange={(e) => setK(Number(e.target.value))} />
        </Control>
      </div>
      <Control id={`${id}-q`} label={by === 'text' ? 'Search text' : 'Query vector'}>
        <textarea id={`${id}-q`} rows={2} value={query} onChange={(e) => setQuery(e.target.value)} required
          placeholder={by === 'text' ? 'What are you looking for?' : '[0.1, -0.2, 0.3]'} />
      </Control>
      <Control id={`${id}-filter`} label="Filter (optional, applied with the list rule before ranking)">
        <input id={`${id}-filter`} value={filter} onChange={(e) => setFilter(e.target.value)} placeholder='e.g. published = true' />
      </Control>
      <div className="pg-actions"><Button type="submit" icon={Search} disabled={busy || !field}>Search</Button></div>
      {error && (
        <div role="alert" className="error">
          <p>{error.message}</p>
          {error.details.length > 0 && <ul>{error.details.map((d) => <li key={d}>{d}</li>)}</ul>}
        </div>
      )}
      {items && (
        <div className="table-frame pg-results">
          <table aria-label="Search results">
            <thead><tr><th scope="col">#</th><th scope="col">Record</th><th scope="col">Distance</th>{shownMode === 'hybrid' && <th scope="col">Score</th>}<th scope="col">Nearest passage</th></tr></thead>
            <tbody>
              {items.length === 0 && <tr><td colSpan={shownMode === 'hybrid' ? 5 : 4} className="muted">No records: nothing this identity may see matches.</td></tr>}
              {items.map((item, i) => (
                <tr key={item.id}>
                  <td>{i + 1}</td>
                  <td><a href={recordHref(collection.name, item.id)}>{recordTitle(item, collection)}</a> <span className="muted pg-id">{item.id}</span></td>
                  <td>{fmt(item['@distance'])}</td>
                  {shownMode === 'hybrid' && <td>{fmt(item['@score'])}</td>}
                  <td className="pg-passage">{item['@chunk'] ? <>{item['@chunk'].text}{item['@chunk'].page !== null && <span className="muted"> (page {item['@chunk'].page})</span>}</> : <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </form>
  );
}
