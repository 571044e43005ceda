/** `#/settings/<section>`: the settings sections, one screen each, with their own sub-navigation. */
import type { ReactElement } from 'react';
import { Bot, Gauge, Globe, Layers, Mail, Network, ShieldCheck, Sparkles, UsersRound, type LucideIcon } from 'lucide-react';
import { ApplicationSettings } from './ApplicationSettings';
import { MailSettings } from './MailSettings';
import { RateLimitSettings } from './RateLimitSettings';
import { BatchSettings } from './BatchSettings';
import { TrustedProxySettings } from './TrustedProxySettings';
import { SuperuserIpsSettings } from './SuperuserIpsSettings';
import { SuperusersSettings } from './SuperusersSettings';
import { EmbeddingsSettings } from './EmbeddingsSettings';
import { AiSettings } from './AiSettings';
import './settings.css';

const SECTIONS: { id: string; label: string; icon: LucideIcon; render: () => ReactElement }[] = [
  { id: 'application', label: 'Application', icon: Globe, render: () => <ApplicationSettings /> },
  { id: 'mail', label: 'Mail', icon: Mail, render: () => <MailSettings /> },
  { id: 'superusers', label: 'Superusers', icon: UsersRound, render: () => <SuperusersSettings /> },
  { id: 'rate-limits', label: 'Rate limits', icon: Gauge, render: () => <RateLimitSettings /> },
  { id: 'batch', label: 'Batch', icon: Layers, render: () => <BatchSettings /> },
  { id: 'trusted-proxy', label: 'Trusted proxy', icon: Network, render: () => <TrustedProxySettings /> },
  { id: 'superuser-ips', label: 'Superuser IPs', icon: ShieldCheck, render: () => <SuperuserIpsSettings /> },
  { id: 'embeddings', label: 'Embeddings', icon: Sparkles, render: () => <EmbeddingsSettings /> },
  { id: 'ai', label: 'AI answers', icon: Bot, render: () => <AiSettings /> },
];

export function SettingsPage({ section = 'application' }: { section?: string }) {
  const current = SECTIONS.find((s) => s.id === section);
  return (
    <div className="settings-page">
      <nav className="settings-nav" aria-labelledby="settings-title">
        <h1 id="settings-title">Settings</h1>
        <ul>
          {SECTIONS.map(({ id, label, icon: Icon }) => (
            <li key={id}>
              <a href={`#/settings/${id}`} aria-current={id === current?.id ? 'page' : undefined}><Icon className="icon" aria-hidden="true" />{label}</a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="settings-body" key={current?.id}>
        {current ? current.render() : <p role="alert" className="error">No such settings section.</p>}
      </div>
    </div>
  );
}
