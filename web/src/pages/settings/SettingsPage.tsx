/** `#/settings/<section>`: the settings sections, one screen each, with their own sub-navigation. */
import type { ReactElement } from 'react';
import { ApplicationSettings } from './ApplicationSettings';
import { MailSettings } from './MailSettings';
import { RateLimitSettings } from './RateLimitSettings';
import { BatchSettings } from './BatchSettings';
import { TrustedProxySettings } from './TrustedProxySettings';
import { SuperuserIpsSettings } from './SuperuserIpsSettings';
import { SuperusersSettings } from './SuperusersSettings';
import './settings.css';

const SECTIONS: { id: string; label: string; render: () => ReactElement }[] = [
  { id: 'application', label: 'Application', render: () => <ApplicationSettings /> },
  { id: 'mail', label: 'Mail', render: () => <MailSettings /> },
  { id: 'superusers', label: 'Superusers', render: () => <SuperusersSettings /> },
  { id: 'rate-limits', label: 'Rate limits', render: () => <RateLimitSettings /> },
  { id: 'batch', label: 'Batch', render: () => <BatchSettings /> },
  { id: 'trusted-proxy', label: 'Trusted proxy', render: () => <TrustedProxySettings /> },
  { id: 'superuser-ips', label: 'Superuser IPs', render: () => <SuperuserIpsSettings /> },
];

export function SettingsPage({ section = 'application' }: { section?: string }) {
  const current = SECTIONS.find((s) => s.id === section);
  return (
    <div className="settings-page">
      <h1>Settings</h1>
      <nav className="settings-nav" aria-label="Settings sections">
        {SECTIONS.map((s) => (
          <a key={s.id} href={`#/settings/${s.id}`} aria-current={s.id === current?.id ? 'page' : undefined}>{s.label}</a>
        ))}
      </nav>
      <div className="settings-body" key={current?.id}>
        {current ? current.render() : <p role="alert" className="error">No such settings section.</p>}
      </div>
    </div>
  );
}
