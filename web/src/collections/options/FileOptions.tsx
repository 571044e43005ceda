/**
 * File field options: counts, sizes, MIME types, thumbnail sizes, protection, and text
 * extraction: the text or editor field that receives the text of the files
 * (`extractTextTo`), and OCR for images (`extractOcr`, slow, off by default).
 */
import { Checkbox, FieldError, ListInput, NumberInput } from '../inputs';
import { list, num, optionError, str, type OptionProps } from './types';

const TEXT_TYPES = new Set(['text', 'editor']);

export function FileOptions({ field, set, errors, fields }: OptionProps) {
  const e = (k: string) => optionError(errors, k);
  const target = str(field.extractTextTo);
  const targets = fields.filter((f) => TEXT_TYPES.has(f.type) && f.name !== '' && !f.system).map((f) => f.name);
  // A target the list lacks (renamed away, or removed) stays visible so the save can report it.
  if (target && !targets.includes(target)) targets.push(target);
  return (
    <div className="col-options">
      <NumberInput label="Max files" value={num(field.maxSelect)} onChange={(v) => set({ maxSelect: v ?? 0 })} error={e('maxSelect')} />
      <NumberInput label="Max size per file (bytes)" value={num(field.maxSize)} onChange={(v) => set({ maxSize: v ?? 0 })} error={e('maxSize')} hint="0 = 5 MiB" />
      <ListInput label="MIME types" value={list(field.mimeTypes)} onChange={(v) => set({ mimeTypes: v })} error={e('mimeTypes')} hint="Comma-separated; empty = any." />
      <ListInput label="Thumb sizes" value={list(field.thumbs)} onChange={(v) => set({ thumbs: v })} error={e('thumbs')} hint="e.g. 100x100, 0x300, 300x100t" />
      <Checkbox label="Protected (needs a file token)" checked={field.protected === true} onChange={(v) => set({ protected: v })} />
      <label>
        Extract text to
        <select value={target} onChange={(ev) => set({ extractTextTo: ev.target.value, ...(ev.target.value ? {} : { extractOcr: false }) })} aria-invalid={!!e('extractTextTo')}>
          <option value="">Off (no extraction)</option>
          {targets.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
        <span className="muted">{targets.length ? 'A text or editor field receives the plain text of the uploaded files.' : 'Add a text or editor field to receive the text.'}</span>
        <FieldError message={e('extractTextTo')} />
      </label>
      {target !== '' && (
        <Checkbox label="OCR images (slow)" checked={field.extractOcr === true} onChange={(v) => set({ extractOcr: v })} error={e('extractOcr')} />
      )}
    </div>
  );
}
