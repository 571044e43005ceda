/** The layout of the public pages (install, email links): one centred card with a title. */
import type { ReactNode } from 'react';
import './auth-pages.css';

export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="center-page">
      <section className="card narrow auth-card" aria-labelledby="auth-card-title">
        <img src="/_/favicon.svg" alt="" className="auth-logo" />
        <h1 id="auth-card-title">{title}</h1>
        {children}
      </section>
    </main>
  );
}
