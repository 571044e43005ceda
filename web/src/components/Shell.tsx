/** The signed-in layout: navigation on the side (on top at phone width), the screen beside it. */
import type { ReactNode } from 'react';
import { pb } from '../lib/api';
import { navigate } from '../lib/router';

export function Shell({ children }: { children: ReactNode }) {
  return (
    <div className="shell">
      <nav className="shell-nav" aria-label="Main">
        <a className="brand" href="#/">Galley</a>
        <a href="#/collections">Collections</a>
        <a href="#/settings">Settings</a>
        <button type="button" className="link" onClick={() => { pb.authStore.clear(); navigate('/login'); }}>Sign out</button>
      </nav>
      <main className="shell-main">{children}</main>
    </div>
  );
}
