/** Options of text and password fields: length limits and patterns. */
import { NumberInput, TextInput } from '../inputs';
import { num, optionError, str, type OptionProps } from './types';

export function TextOptions({ field, set, errors }: OptionProps) {
  const e = (k: string) => optionError(errors, k);
  const password = field.type === 'password';
  return (
    <div className="col-options">
      <NumberInput label="Min length" value={num(field.min)} onChange={(v) => set({ min: v ?? 0 })} error={e('min')} />
      <NumberInput label="Max length" value={num(field.max)} onChange={(v) => set({ max: v ?? 0 })} error={e('max')} hint={password ? '0 = 71 bytes' : '0 = 5000'} />
      <TextInput label="Pattern (regex)" value={str(field.pattern)} onChange={(v) => set({ pattern: v })} error={e('pattern')} placeholder="^[a-z0-9]+$" />
      {password ? (
        <NumberInput label="Bcrypt cost" value={num(field.cost)} onChange={(v) => set({ cost: v ?? 0 })} error={e('cost')} hint="4-31; 0 = 10" />
      ) : (
        <TextInput label="Autogenerate pattern" value={str(field.autogeneratePattern)} onChange={(v) => set({ autogeneratePattern: v })} error={e('autogeneratePattern')} placeholder="[a-z0-9]{15}" />
      )}
    </div>
  );
}
