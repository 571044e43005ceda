/** `#/auth/confirm-verification/<token>`: the link in the verification email; confirms on open. */
import { useEffect, useRef, useState } from 'react';
import { errorMessage, pb } from '../../lib/api';
import { tokenCollection } from '../../lib/jwt';
import { AuthCard } from './AuthCard';
import { Notice } from '../../components/Notice';

export function ConfirmVerificationPage({ token }: { token: string }) {
  const [state, setState] = useState<{ done?: string; error?: string }>({});
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return; // once per link, even under StrictMode's double effects
    started.current = true;
    const collection = tokenCollection(token);
    if (!collection) {
      setState({ error: 'Invalid or expired verification link.' });
      return;
    }
    pb.collection(collection).confirmVerification(token)
      .then(() => setState({ done: 'Your email address has been verified.' }))
      .catch((err: unknown) => setState({ error: `Invalid or expired verification link. ${errorMessage(err)}` }));
  }, [token]);

  return (
    <AuthCard title="Email verification">
      {!state.done && !state.error && <p role="status">Verifying…</p>}
      <Notice success={state.done} error={state.error} />
    </AuthCard>
  );
}
