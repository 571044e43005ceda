/**
 * The submit side of an email-link form (password reset, email change): runs the
 * confirmation, then either the success message or the errors — field errors next to
 * their inputs, a bad or expired token as the form's message.
 */
import { useState } from 'react';
import { useFormSubmit } from '../../lib/useFormSubmit';

export function useLinkForm(confirm: () => Promise<unknown>, doneMessage: string) {
  const [done, setDone] = useState('');
  const { submit, errors, error, busy } = useFormSubmit(async () => {
    await confirm();
    setDone(doneMessage);
  });
  const outcome = { done, error: errors.token ? `Invalid or expired link: ${errors.token}` : error };
  return { submit, errors, outcome, busy };
}
