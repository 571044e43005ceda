/**
 * Vector field options (docs/ai.md): dimensions, distance, index, the embedder that
 * turns text into vectors, the source text field embedded automatically, and how a
 * long source is cut into chunks. The server validates every option (e.g. `local`
 * needs 512 dimensions); its errors appear under each input.
 */
import { FieldError, NumberInput } from '../inputs';
import { num, optionError, str, type OptionProps } from './types';

const TEXT_TYPES = new Set(['text', 'editor']);

export function VectorOptions({ field, set, errors, fields }: OptionProps) {
  const e = (k: string) => optionError(errors, k);
  const embedder = str(field.embedder);
  const source = str(field.source);
  const sources = fields.filter((f) => TEXT_TYPES.has(f.type) && f.name !== '' && !f.system).map((f) => f.name);
  // A source the list lacks (renamed away, removed) stays visible so the save can report it.
  if (source && !sources.includes(source)) sources.push(source);
  return (
    <div className="col-options">
      <NumberInput label="Dimensions" value={num(field.dimensions)} onChange={(v) => set({ dimensions: v ?? 0 })} error={e('dimensions')}
        hint="1–4096 numbers per vector; the local embedder gives 512. Changing it clears the stored vectors." />
      <Select label="Distance" value={str(field.distance) || 'cosine'} onChange={(v) => set({ distance: v })} error={e('distance')}
        options={[['cosine', 'Cosine (1 − similarity)'], ['l2', 'Euclidean (L2)'], ['dot', 'Dot product (negative)']]}
        hint="How search ranks: smaller distance = more similar." />
      <Select label="Index" value={str(field.index)} onChange={(v) => set({ index: v })} error={e('index')}
        options={[['', 'Exact search'], ['hnsw', 'HNSW (approximate, pgvector)']]}
        hint="HNSW is used only on PostgreSQL with pgvector; elsewhere search is exact." />
      <Select label="Embedder" value={embedder} error={e('embedder')}
        onChange={(v) => set({ embedder: v, ...(v === 'local' ? { dimensions: 512 } : {}), ...(v === '' ? { source: '' } : {}) })}
        options={[['', 'None (vectors sent by clients)'], ['local', 'Local model (512-d, no key)'], ['openai', 'OpenAI-compatible (Settings → AI)']]}
        hint="Turns a search's text, and the source field, into vectors." />
      <label>
        Source field
        <select value={source} disabled={embedder === '' && source === ''} onChange={(ev) => set({ source: ev.target.value })} aria-invalid={!!e('source')}>
          <option value="">None (not embedded automatically)</option>
          {sources.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
        <span className="muted">{embedder === '' ? 'Choose an embedder first.' : sources.length ? 'A text or editor field whose text Galley embeds on every change (a file\'s extracted text lands in one).' : 'Add a text or editor field to embed.'}</span>
        <FieldError message={e('source')} />
      </label>
      {source !== '' && <>
        <NumberInput label="Chunk size (characters)" nullable value={num(field.chunkSize)} error={e('chunkSize')}
          onChange={(v) => set({ chunkSize: v ?? undefined })} hint="Long texts are embedded in chunks of about this size (100–8000; empty = 1000)." />
        <NumberInput label="Chunk overlap (characters)" nullable value={num(field.chunkOverlap)} error={e('chunkOverlap')}
          onChange={(v) => set({ chunkOverlap: v ?? undefined })} hint="Text repeated between neighbouring chunks (0 to half the size; empty = 150)." />
      </>}
    </div>
  );
}

function Select({ label, value, onChange, options, error, hint }: { label: string; value: string; onChange: (v: string) => void; options: [string, string][]; error?: string; hint?: string }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(ev) => onChange(ev.target.value)} aria-invalid={!!error}>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
      {hint && <span className="muted">{hint}</span>}
      <FieldError message={error} />
    </label>
  );
}
