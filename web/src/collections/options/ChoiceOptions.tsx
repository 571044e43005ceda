/** Select and relation options: the allowed values or target collection, and how many. */
import { Checkbox, FieldError, ListInput, NumberInput } from '../inputs';
import { list, num, optionError, str, type OptionProps } from './types';

export function SelectOptions({ field, set, errors }: OptionProps) {
  return (
    <div className="col-options">
      <ListInput label="Values" value={list(field.values)} onChange={(v) => set({ values: v })} error={optionError(errors, 'values')} />
      <NumberInput label="Max select" value={num(field.maxSelect)} onChange={(v) => set({ maxSelect: v ?? 0 })} error={optionError(errors, 'maxSelect')} hint="1 = single value" />
    </div>
  );
}

export function RelationOptions({ field, set, errors, collections }: OptionProps) {
  const error = optionError(errors, 'collectionId');
  return (
    <div className="col-options">
      <label>
        Collection
        <select value={str(field.collectionId)} onChange={(e) => set({ collectionId: e.target.value })} aria-invalid={!!error}>
          <option value="">Choose…</option>
          {collections.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
        <FieldError message={error} />
      </label>
      <NumberInput label="Min select" value={num(field.minSelect)} onChange={(v) => set({ minSelect: v ?? 0 })} error={optionError(errors, 'minSelect')} />
      <NumberInput label="Max select" value={num(field.maxSelect)} onChange={(v) => set({ maxSelect: v ?? 0 })} error={optionError(errors, 'maxSelect')} hint="1 = single relation" />
      <Checkbox label="Cascade delete" checked={field.cascadeDelete === true} onChange={(v) => set({ cascadeDelete: v })} />
    </div>
  );
}
