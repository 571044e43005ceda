/**
 * The signed-in layout: the sidebar (sections with icons, the current one marked; a
 * top bar at phone width), the header (breadcrumbs, theme switch, the signed-in
 * superuser, sign out) and the screen. `/` anywhere outside a text field focuses the
 * screen's filter or search box (the element marked data-shortcut="filter").
 */
import { useEffect, type ReactNode } from 'react';
import { Activity, Archive, ChevronRight, Database, FlaskConical, LogOut, ScrollText, Settings, UserRound } from 'lucide-react';
import { pb } from '../lib/api';
import { navigate } from '../lib/router';
import { Button } from '../ui/Button';
import { ThemeSwitch } from '../ui/ThemeSwitch';
import { crumbsFor, sectionOf } from './breadcrumbs';
import './shell.css';

const NAV = [
  { id: 'overview', label: 'Overview', href: '#/', icon: Activity },
  { id: 'collections', label: 'Collections', href: '#/collections', icon: Database },
  { id: 'logs', label: 'Logs', href: '#/logs', icon: ScrollText },
  { id: 'backups', label: 'Backups', href: '#/backups', icon: Archive },
  { id: 'playground', label: 'Playground', href: '#/playground', icon: FlaskConical },
  { id: 'settings', label: 'Settings', href: '#/settings', icon: Settings },
] as const;

function isTyping(el: Element | null): boolean {
  return !!el && (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el as HTMLElement).isContentEditable);
}

export function Shell({ path, children }: { path: string; children: ReactNode }) {
  const section = sectionOf(path);
  const crumbs = crumbsFor(path);
  const email = String(pb.authStore.record?.email ?? '');

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || isTyping(document.activeElement)) return;
      const target = document.querySelector<HTMLElement>('[data-shortcut="filter"]');
      if (!target) return;
      e.preventDefault();
      target.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">Skip to content</a>
      <aside className="sidebar">
        <a className="brand" href="#/">
          <img src="/_/favicon.svg" alt="" className="brand-logo" />
          <span>Galley</span>
        </a>
        <nav aria-label="Main">
          <ul className="nav-list">
            {NAV.map(({ id, label, href, icon: Icon }) => (
              <li key={id}>
                <a href={href} className="nav-link" aria-current={section === id ? 'page' : undefined}>
                  <Icon className="icon" aria-hidden="true" />{label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </aside>
      <div className="shell-body">
        <header className="topbar">
          <nav aria-label="Breadcrumb" className="crumbs">
            <ol>
              {crumbs.map((c, i) => (
                <li key={i}>
                  {i > 0 && <ChevronRight className="icon crumb-sep" aria-hidden="true" />}
                  {c.href && i < crumbs.length - 1
                    ? <a href={c.href}>{c.label}</a>
                    : <span aria-current={i === crumbs.length - 1 ? 'page' : undefined}>{c.label}</span>}
                </li>
              ))}
            </ol>
          </nav>
          <div className="topbar-actions">
            <ThemeSwitch />
            {email && <span className="whoami" title="Signed-in superuser"><UserRound className="icon" aria-hidden="true" /><span className="whoami-email">{email}</span></span>}
            <Button variant="ghost" icon={LogOut} onClick={() => { pb.authStore.clear(); navigate('/login'); }}>Sign out</Button>
          </div>
        </header>
        <main className="shell-main" id="main" tabIndex={-1}>{children}</main>
      </div>
    </div>
  );
}
