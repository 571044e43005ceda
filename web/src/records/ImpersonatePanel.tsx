/**
 * Impersonate an auth record (superusers only): a non-refreshable token for that
 * record, shown with a copy button, as PocketBase's dashboard does.
 */
import { useState } from 'react';
import { Copy, KeyRound } from 'lucide-react';
import { errorMessage, pb } from '../lib/api';
import { Button } from '../ui/Button';

export function ImpersonatePanel({ collection, id }: { collection: string; id: string }) {
  const [duration, setDuration] = useState('0');
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const [copied, setCopied] = useState(false);

  const run = async () => {
    setError('');
    setCopied(false);
    try {
      const client = await pb.collection(collection).impersonate(id, Math.max(0, Number(duration) || 0));
      setToken(client.authStore.token);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const copy = async () => {
    try { await navigator.clipboard.writeText(token); setCopied(true); } catch { setError('Copy failed: select the token and copy it by hand.'); }
  };

  return (
    <section className="rec-impersonate card" aria-labelledby="rec-imp-title">
      <h2 id="rec-imp-title">Impersonate</h2>
      <p className="muted">Issues an auth token for this record (not refreshable). 0 uses the collection's token duration.</p>
      <div className="rec-inline-row">
        <label className="rec-inline">Duration (seconds)
          <input type="number" min={0} value={duration} onChange={(e) => setDuration(e.target.value)} />
        </label>
        <Button variant="secondary" icon={KeyRound} onClick={() => void run()}>Generate token</Button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {token && (
        <div className="rec-token">
          <label>Token
            <textarea readOnly rows={3} value={token} className="rec-mono" onFocus={(e) => e.target.select()} />
          </label>
          <Button variant="secondary" small icon={Copy} onClick={() => void copy()}>{copied ? 'Copied' : 'Copy token'}</Button>
        </div>
      )}
    </section>
  );
}
