/** The frame of one settings section: its title, a load failure if any, and a Save button (outcomes are toasts). */
import type { FormEvent, ReactNode } from 'react';
import { Check } from 'lucide-react';
import { Notice } from '../../components/Notice';
import { Button } from '../../ui/Button';
import type { SectionForm } from './useSettingsSection';

type Props<T> = { title: string; form: SectionForm<T>; onSubmit?: () => void; children: ReactNode; description?: string };

export function SettingsForm<T>({ title, form, onSubmit, children, description }: Props<T>) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (onSubmit) onSubmit();
    else void form.save();
  };
  return (
    <form className="card settings-form" onSubmit={submit} aria-labelledby="settings-section-title">
      <h2 id="settings-section-title">{title}</h2>
      {description && <p className="muted">{description}</p>}
      {form.value === undefined ? (form.loadError ? <Notice error={form.loadError} /> : <p>Loading…</p>) : (
        <>
          {children}
          <div className="settings-actions"><Button type="submit" icon={Check} disabled={form.busy}>Save changes</Button></div>
        </>
      )}
    </form>
  );
}
