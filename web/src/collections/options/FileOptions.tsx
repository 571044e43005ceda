/** File field options: counts, sizes, MIME types, thumbnail sizes, protection. */
import { Checkbox, ListInput, NumberInput } from '../inputs';
import { list, num, optionError, type OptionProps } from './types';

export function FileOptions({ field, set, errors }: OptionProps) {
  const e = (k: string) => optionError(errors, k);
  return (
    <div className="col-options">
      <NumberInput label="Max files" value={num(field.maxSelect)} onChange={(v) => set({ maxSelect: v ?? 0 })} error={e('maxSelect')} />
      <NumberInput label="Max size per file (bytes)" value={num(field.maxSize)} onChange={(v) => set({ maxSize: v ?? 0 })} error={e('maxSize')} hint="0 = 5 MiB" />
      <ListInput label="MIME types" value={list(field.mimeTypes)} onChange={(v) => set({ mimeTypes: v })} error={e('mimeTypes')} hint="Comma-separated; empty = any." />
      <ListInput label="Thumb sizes" value={list(field.thumbs)} onChange={(v) => set({ thumbs: v })} error={e('thumbs')} hint="e.g. 100x100, 0x300, 300x100t" />
      <Checkbox label="Protected (needs a file token)" checked={field.protected === true} onChange={(v) => set({ protected: v })} />
    </div>
  );
}
