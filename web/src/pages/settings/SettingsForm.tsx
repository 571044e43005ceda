/** The frame of one settings section: its title, the outcome notice, and a Save button. */
import type { FormEvent, ReactNode } from 'react';
import { Notice } from '../../components/Notice';
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
      {form.value === undefined ? (form.notice.error ? <Notice error={form.notice.error} /> : <p>Loading…</p>) : (
        <>
          {children}
          <Notice {...form.notice} />
          <div className="settings-actions"><button type="submit" disabled={form.busy}>Save changes</button></div>
        </>
      )}
    </form>
  );
}
