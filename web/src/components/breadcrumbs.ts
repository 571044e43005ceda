/** The header's breadcrumbs for a hash path: where the screen sits, each level a link but the last. */
export interface Crumb { label: string; href?: string }

const SETTINGS: Record<string, string> = {
  application: 'Application', mail: 'Mail', superusers: 'Superusers', 'rate-limits': 'Rate limits',
  batch: 'Batch', 'trusted-proxy': 'Trusted proxy', 'superuser-ips': 'Superuser IPs', embeddings: 'Embeddings', ai: 'AI answers',
};

export function crumbsFor(path: string): Crumb[] {
  const parts = path.split('?')[0]!.split('/').filter(Boolean).map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  const collections: Crumb = { label: 'Collections', href: '#/collections' };
  const [first, name, kind, id] = parts;
  if (!first) return [{ label: 'Overview' }];
  if (first === 'logs') return [{ label: 'Logs' }];
  if (first === 'backups') return [{ label: 'Backups' }];
  if (first === 'playground') return [{ label: 'Playground' }];
  if (first === 'settings') return [{ label: 'Settings', href: '#/settings' }, { label: SETTINGS[name ?? 'application'] ?? name ?? 'Application' }];
  if (first === 'new-collection') return [collections, { label: `New ${name ?? ''} collection` }];
  if (first === 'collections' && name) {
    const records = `#/collections/${encodeURIComponent(name)}/records`;
    if (kind === 'schema') return [collections, { label: name, href: records }, { label: 'Schema' }];
    if (kind === 'records' && id) return [collections, { label: name, href: records }, { label: id === 'new' ? 'New record' : id }];
    if (kind === 'records') return [collections, { label: name }, { label: 'Records' }];
  }
  if (!first || first === 'collections') return [{ label: 'Collections' }];
  return [{ label: 'Not found' }];
}

/** The main navigation section a path belongs to. */
export function sectionOf(path: string): 'overview' | 'collections' | 'logs' | 'backups' | 'playground' | 'settings' | '' {
  if (path === '/') return 'overview';
  if (path.startsWith('/logs')) return 'logs';
  if (path.startsWith('/backups')) return 'backups';
  if (path.startsWith('/playground')) return 'playground';
  if (path.startsWith('/settings')) return 'settings';
  if (path.startsWith('/collections') || path.startsWith('/new-collection')) return 'collections';
  return '';
}
