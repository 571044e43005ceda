/**
 * Superuser sign-in: password, and when `_superusers` has them enabled, a one-time
 * emailed code (OTP) as the other way in or as the second factor of MFA (API spec
 * 5.6/5.7: the first factor answers 401 with an `mfaId` the second one passes on).
 */
import { useEffect, useState, type FormEvent } from 'react';
import { errorMessage, pb } from '../lib/api';
import { mfaIdOf } from '../lib/mfa';
import { navigate } from '../lib/router';
import { OtpCodeForm } from './auth/OtpCodeForm';
import './auth/auth-pages.css';

const superusers = () => pb.collection('_superusers');

export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [otpEnabled, setOtpEnabled] = useState(false);
  const [mfaId, setMfaId] = useState('');
  const [otpId, setOtpId] = useState('');

  useEffect(() => {
    superusers().listAuthMethods().then((m) => setOtpEnabled(m.otp.enabled), () => {});
  }, []);

  const run = async (step: () => Promise<void>) => {
    setBusy(true);
    setError('');
    try {
      await step();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const done = () => navigate('/collections');

  /** A 401 with an mfaId: continue with the method not used yet. */
  const secondFactor = async (err: unknown, used: 'password' | 'otp'): Promise<void> => {
    const id = mfaIdOf(err);
    if (!id) throw err;
    setMfaId(id);
    if (used === 'otp') {
      setOtpId('');
      setError('Enter your password to finish signing in.');
      return;
    }
    if (!otpEnabled) throw new Error('A second sign-in method is required, but one-time codes are not enabled for superusers.');
    setOtpId((await superusers().requestOTP(email)).otpId);
  };

  const signInWithPassword = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      try {
        await superusers().authWithPassword(email, password, mfaId ? { mfaId } : {});
        done();
      } catch (err) {
        await secondFactor(err, 'password');
      }
    });
  };

  const sendCode = () => void run(async () => {
    if (!email) throw new Error('Enter your email first.');
    setOtpId((await superusers().requestOTP(email)).otpId);
  });

  const signInWithCode = (code: string) => void run(async () => {
    try {
      await superusers().authWithOTP(otpId, code, mfaId ? { mfaId } : {});
      done();
    } catch (err) {
      await secondFactor(err, 'otp');
    }
  });

  const startOver = () => {
    setOtpId('');
    setMfaId('');
    setError('');
  };

  return (
    <div className="center-page">
      <div className="card narrow auth-card">
        <img src="/_/favicon.svg" alt="" className="auth-logo" />
        <h1 id="login-title">Sign in</h1>
        <p className="muted auth-sub">Galley dashboard: superusers only.</p>
        {otpId ? (
          <OtpCodeForm email={email} error={error} busy={busy} onSubmit={signInWithCode} onCancel={startOver} />
        ) : (
          <form onSubmit={signInWithPassword} aria-labelledby="login-title">
            <label>Email<input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} /></label>
            <label>Password<input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} /></label>
            {error && <p role="alert" className="error">{error}</p>}
            <button type="submit" disabled={busy}>Sign in</button>
            {otpEnabled && !mfaId && (
              <p><button type="button" className="link" disabled={busy} onClick={sendCode}>Email me a one-time code instead</button></p>
            )}
          </form>
        )}
      </div>
    </div>
  );
}
