/** Options of the simpler value fields: email/url domains, editor, date, autodate, json. */
import { Checkbox, ListInput, NumberInput, TextInput } from '../inputs';
import { list, num, optionError, str, type OptionProps } from './types';

export function DomainOptions({ field, set, errors }: OptionProps) {
  return (
    <div className="col-options">
      <ListInput label="Only domains" value={list(field.onlyDomains)} onChange={(v) => set({ onlyDomains: v })} error={optionError(errors, 'onlyDomains')} />
      <ListInput label="Except domains" value={list(field.exceptDomains)} onChange={(v) => set({ exceptDomains: v })} error={optionError(errors, 'exceptDomains')} />
    </div>
  );
}

export function EditorOptions({ field, set, errors }: OptionProps) {
  return (
    <div className="col-options">
      <NumberInput label="Max size (bytes)" value={num(field.maxSize)} onChange={(v) => set({ maxSize: v ?? 0 })} error={optionError(errors, 'maxSize')} hint="0 = 5 MiB" />
      <Checkbox label="Convert URLs to relative" checked={field.convertURLs === true} onChange={(v) => set({ convertURLs: v })} />
    </div>
  );
}

export function DateOptions({ field, set, errors }: OptionProps) {
  return (
    <div className="col-options">
      <TextInput label="Min date" value={str(field.min)} onChange={(v) => set({ min: v })} error={optionError(errors, 'min')} placeholder="2024-01-01 00:00:00.000Z" />
      <TextInput label="Max date" value={str(field.max)} onChange={(v) => set({ max: v })} error={optionError(errors, 'max')} placeholder="2030-12-31 23:59:59.999Z" />
    </div>
  );
}

export function AutodateOptions({ field, set, errors }: OptionProps) {
  return (
    <div className="col-options">
      <Checkbox label="Set on create" checked={field.onCreate === true} onChange={(v) => set({ onCreate: v })} error={optionError(errors, 'onCreate')} />
      <Checkbox label="Set on update" checked={field.onUpdate === true} onChange={(v) => set({ onUpdate: v })} error={optionError(errors, 'onUpdate')} />
    </div>
  );
}

export function JsonOptions({ field, set, errors }: OptionProps) {
  return (
    <div className="col-options">
      <NumberInput label="Max size (bytes)" value={num(field.maxSize)} onChange={(v) => set({ maxSize: v ?? 0 })} error={optionError(errors, 'maxSize')} hint="0 = 1 MiB" />
    </div>
  );
}
