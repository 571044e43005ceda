/**
 * The dashboard's screens by hash path. Screens live in pages/, one per concept;
 * layout pieces in components/. Signed-out visitors only reach the sign-in, install
 * and email-link pages.
 */
import { useEffect, useState, type ReactElement } from 'react';
import { pb } from './lib/api';
import { match, Redirect, useHashPath } from './lib/router';
import { Shell } from './components/Shell';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { CollectionsPage } from './pages/CollectionsPage';

type Route = { pattern: string; render: (params: Record<string, string>) => ReactElement; public?: boolean };

/** Screens; the first match wins. Helpers add theirs here. */
const ROUTES: Route[] = [
  { pattern: '/login', render: () => <LoginPage />, public: true },
  { pattern: '/', render: () => <CollectionsPage /> },
  { pattern: '/collections', render: () => <CollectionsPage /> },
];

export function App() {
  const path = useHashPath();
  const [signedIn, setSignedIn] = useState(pb.authStore.isValid && pb.authStore.isSuperuser);
  useEffect(() => pb.authStore.onChange(() => setSignedIn(pb.authStore.isValid && pb.authStore.isSuperuser)), []);

  for (const route of ROUTES) {
    const params = match(route.pattern, path);
    if (!params) continue;
    if (route.public) return route.render(params);
    if (!signedIn) return <Redirect to="/login" />;
    return <Shell>{route.render(params)}</Shell>;
  }
  return signedIn ? <Shell><NotFoundPage /></Shell> : <NotFoundPage />;
}
