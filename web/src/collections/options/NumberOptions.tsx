/** Number field options: nullable min/max, integers only. */
import { Checkbox, NumberInput } from '../inputs';
import { num, optionError, type OptionProps } from './types';

export function NumberOptions({ field, set, errors }: OptionProps) {
  return (
    <div className="col-options">
      <NumberInput label="Min" nullable value={num(field.min)} onChange={(v) => set({ min: v })} error={optionError(errors, 'min')} />
      <NumberInput label="Max" nullable value={num(field.max)} onChange={(v) => set({ max: v })} error={optionError(errors, 'max')} />
      <Checkbox label="Integers only" checked={field.onlyInt === true} onChange={(v) => set({ onlyInt: v })} error={optionError(errors, 'onlyInt')} />
    </div>
  );
}
