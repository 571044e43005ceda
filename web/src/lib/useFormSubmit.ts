/**
 * The submit side of a form sent to the API: busy while the action runs, then the
 * API's field errors (shown next to their inputs) and its message, or nothing on
 * success (the action says what success means). `onError`, when given, also gets the
 * message (signed-in screens pass their toast).
 */
import { useState, type FormEvent } from 'react';
import { errorMessage, fieldErrors } from './api';

export function useFormSubmit(action: () => Promise<void>, onError?: (message: string) => void) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError('');
    try {
      await action();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(errorMessage(err));
      onError?.(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return { submit, errors, error, busy };
}
