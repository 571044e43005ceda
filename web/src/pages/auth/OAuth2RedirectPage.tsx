/**
 * `#/auth/oauth2-redirect-success` and `-failure`: where /api/oauth2-redirect sends the
 * provider's popup; the app that opened it gets the result over realtime, so this page
 * only tells the person they may close the window.
 */
import { useEffect } from 'react';
import { AuthCard } from './AuthCard';
import { Notice } from '../../components/Notice';

export function OAuth2RedirectPage({ success }: { success: boolean }) {
  useEffect(() => {
    // A popup opened by the SDK can close itself; a normal tab cannot (and stays).
    if (success && window.opener) window.close();
  }, [success]);
  return (
    <AuthCard title={success ? 'Signed in' : 'Sign-in failed'}>
      {success
        ? <Notice success="Authentication completed. You can close this window and go back to the app." />
        : <Notice error="Authentication failed. Close this window and try again from the app." />}
    </AuthCard>
  );
}
