/**
 * The dashboard's screens by hash path. Screens live in pages/, one per concept;
 * layout pieces in components/, the design system (tokens, shared components) in ui/.
 * Signed-out visitors only reach the sign-in, install and email-link pages.
 *
 * The first screen after sign-in (the collections list) is in the entry bundle; the other
 * signed-in screens and the collection editor load on first use (each its own chunk),
 * so the initial JavaScript stays small (docs/dashboard.md has the sizes).
 */
import { lazy, Suspense, useEffect, useState, type ReactElement } from 'react';
import { pb } from './lib/api';
import { match, Redirect, useHashPath } from './lib/router';
import { Shell } from './components/Shell';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { useSessionRefresh } from './lib/session';
import { InstallPage } from './pages/install/InstallPage';
import { ConfirmVerificationPage } from './pages/auth/ConfirmVerificationPage';
import { ConfirmPasswordResetPage } from './pages/auth/ConfirmPasswordResetPage';
import { ConfirmEmailChangePage } from './pages/auth/ConfirmEmailChangePage';
import { OAuth2RedirectPage } from './pages/auth/OAuth2RedirectPage';
import { ToastProvider } from './ui/toast';
import { CollectionsPage } from './pages/CollectionsPage';

const SettingsPage = lazy(() => import('./pages/settings/SettingsPage').then((m) => ({ default: m.SettingsPage })));
const RecordsPage = lazy(() => import('./pages/records/RecordsPage').then((m) => ({ default: m.RecordsPage })));
const RecordPage = lazy(() => import('./pages/records/RecordPage').then((m) => ({ default: m.RecordPage })));
const OverviewPage = lazy(() => import('./pages/OverviewPage').then((m) => ({ default: m.OverviewPage })));
const LogsPage = lazy(() => import('./pages/logs/LogsPage').then((m) => ({ default: m.LogsPage })));
const BackupsPage = lazy(() => import('./pages/backups/BackupsPage').then((m) => ({ default: m.BackupsPage })));
const PlaygroundPage = lazy(() => import('./pages/playground/PlaygroundPage').then((m) => ({ default: m.PlaygroundPage })));

type Route = { pattern: string; render: (params: Record<string, string>) => ReactElement; public?: boolean };

/** Screens; the first match wins. Helpers add theirs here. */
const ROUTES: Route[] = [
  { pattern: '/login', render: () => <LoginPage />, public: true },
  { pattern: '/install/:token', render: (p) => <InstallPage token={p.token!} />, public: true },
  { pattern: '/auth/confirm-verification/:token', render: (p) => <ConfirmVerificationPage token={p.token!} />, public: true },
  { pattern: '/auth/confirm-password-reset/:token', render: (p) => <ConfirmPasswordResetPage token={p.token!} />, public: true },
  { pattern: '/auth/confirm-email-change/:token', render: (p) => <ConfirmEmailChangePage token={p.token!} />, public: true },
  { pattern: '/auth/oauth2-redirect-success', render: () => <OAuth2RedirectPage success />, public: true },
  { pattern: '/auth/oauth2-redirect-failure', render: () => <OAuth2RedirectPage success={false} />, public: true },
  { pattern: '/settings', render: () => <SettingsPage /> },
  { pattern: '/settings/:section', render: (p) => <SettingsPage section={p.section!} /> },
  { pattern: '/', render: () => <OverviewPage /> },
  { pattern: '/logs', render: () => <LogsPage /> },
  { pattern: '/backups', render: () => <BackupsPage /> },
  { pattern: '/playground', render: () => <PlaygroundPage /> },
  { pattern: '/collections', render: () => <CollectionsPage /> },
  { pattern: '/collections/:name/schema', render: (p) => <CollectionsPage name={p.name!} /> },
  { pattern: '/new-collection/:type', render: (p) => <CollectionsPage newType={p.type!} /> },
  { pattern: '/collections/:name/records', render: (p) => <RecordsPage key={p.name} name={p.name!} /> },
  { pattern: '/collections/:name/records/:id', render: (p) => <RecordPage key={`${p.name}/${p.id}`} name={p.name!} id={p.id!} /> },
];

export function App() {
  return <ToastProvider><Screens /></ToastProvider>;
}

function Screens() {
  const path = useHashPath();
  useSessionRefresh();
  const [signedIn, setSignedIn] = useState(pb.authStore.isValid && pb.authStore.isSuperuser);
  useEffect(() => pb.authStore.onChange(() => setSignedIn(pb.authStore.isValid && pb.authStore.isSuperuser)), []);

  for (const route of ROUTES) {
    const params = match(route.pattern, path);
    if (!params) continue;
    if (route.public) return route.render(params);
    if (!signedIn) return <Redirect to="/login" />;
    return <Shell path={path}><Suspense fallback={<p className="muted">Loading…</p>}>{route.render(params)}</Suspense></Shell>;
  }
  return signedIn ? <Shell path={path}><NotFoundPage /></Shell> : <NotFoundPage />;
}
