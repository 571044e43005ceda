/**
 * One settings section as an editable draft: loaded from GET /api/settings, saved as a
 * PATCH of that section only, with the API's field errors keyed relative to the
 * section (`smtp.host` → `host`), and the outcome of a save as a toast.
 */
import { useCallback, useEffect, useState } from 'react';
import { errorMessage, fieldErrors, pb } from '../../lib/api';
import { useToast } from '../../ui/toast';

export interface SectionForm<T> {
  value: T | undefined;
  set: (change: Partial<T>) => void;
  /** Replaces the whole draft (array sections). */
  replace: (value: T) => void;
  errors: Record<string, string>;
  /** Why the section could not be loaded ('' once it is). */
  loadError: string;
  busy: boolean;
  /** PATCHes `{[name]: patch ?? value}`; resolves true on success. */
  save: (patch?: unknown) => Promise<boolean>;
}

export function useSettingsSection<T>(name: string): SectionForm<T> {
  const [value, setValue] = useState<T>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [loadError, setLoadError] = useState('');
  const [busy, setBusy] = useState(false);
  const toast = useToast();

  useEffect(() => {
    pb.settings.getAll().then(
      // A section this server does not have (an older server) is a message, not an endless "Loading…".
      (all) => (all[name] === undefined ? setLoadError(`This server has no "${name}" settings section.`) : setValue(all[name] as T)),
      (err: unknown) => setLoadError(errorMessage(err)),
    );
  }, [name]);

  const set = useCallback((change: Partial<T>) => setValue((v) => (v === undefined ? v : { ...v, ...change })), []);

  const save = async (patch?: unknown): Promise<boolean> => {
    setBusy(true);
    setErrors({});
    toast.clear();
    try {
      const all = await pb.settings.update({ [name]: patch ?? value });
      setValue(all[name] as T);
      toast.success('Settings saved.');
      return true;
    } catch (err) {
      setErrors(relativeTo(name, fieldErrors(err)));
      toast.error(errorMessage(err));
      return false;
    } finally {
      setBusy(false);
    }
  };

  return { value, set, replace: setValue, errors, loadError, busy, save };
}

function relativeTo(section: string, errors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors)) out[key.startsWith(`${section}.`) ? key.slice(section.length + 1) : key] = message;
  return out;
}
