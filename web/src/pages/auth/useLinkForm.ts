/**
 * The submit side of an email-link form (password reset, email change): runs the
 * confirmation, then either the success message or the errors — field errors next to
 * their inputs, a bad or expired token as the form's message.
 */
import { useState, type FormEvent } from 'react';
import { errorMessage, fieldErrors } from '../../lib/api';

export function useLinkForm(confirm: () => Promise<unknown>, doneMessage: string) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<{ done?: string; error?: string }>({});
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setOutcome({});
    try {
      await confirm();
      setOutcome({ done: doneMessage });
    } catch (err) {
      const fields = fieldErrors(err);
      setErrors(fields);
      setOutcome({ error: fields.token ? `Invalid or expired link: ${fields.token}` : errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  return { submit, errors, outcome, busy };
}
