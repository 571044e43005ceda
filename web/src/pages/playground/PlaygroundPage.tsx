/**
 * `#/playground` (its own chunk): try search and ask on a collection with a vector field
 * as a chosen identity — a guest, the superuser, or any auth record through an
 * impersonation token — so the collection's rules can be seen at work. The identity
 * the requests carry is always on screen.
 */
import { useState } from 'react';
import { FlaskConical, MessageSquareText, Search, ShieldAlert, UserRound } from 'lucide-react';
import { useCollections } from '../../collections/useCollections';
import { EmptyState } from '../../ui/EmptyState';
import { TabPanel, Tabs } from '../../ui/Tabs';
import { identityLabel, type Identity } from '../../playground/acting-client';
import { IdentityPicker } from '../../playground/IdentityPicker';
import { SearchPanel } from '../../playground/SearchPanel';
import { AskPanel } from '../../playground/AskPanel';
import '../../playground/playground.css';
import { Control } from '../../playground/Control';

type Tab = 'search' | 'ask';

export function PlaygroundPage() {
  const { items, error } = useCollections();
  const withVectors = items.filter((c) => c.type !== 'view' && c.fields.some((f) => f.type === 'vector'));
  const [name, setName] = useState('');
  const [who, setWho] = useState<Identity>({ kind: 'guest' });
  const [tab, setTab] = useState<Tab>('search');
  const collection = withVectors.find((c) => c.name === name) ?? withVectors[0];
  const Badge = who.kind === 'superuser' ? ShieldAlert : UserRound;

  return (
    <section className="pg-page" aria-labelledby="pg-title">
      <header className="pg-header">
        <h1 id="pg-title"><FlaskConical className="icon-lg" aria-hidden="true" />Playground</h1>
        <p className={`pg-acting pg-acting-${who.kind}`} role="status" aria-label="Acting as">
          <Badge className="icon" aria-hidden="true" /><span>Acting as <strong>{identityLabel(who)}</strong></span>
        </p>
      </header>
      <p className="muted">Search and ask as someone else: the requests below carry only that identity's token, so the collection's list rule decides what is ranked, retrieved and cited.</p>
      {error && <p role="alert" className="error">{error}</p>}
      {items.length > 0 && withVectors.length === 0 && (
        <EmptyState icon={FlaskConical} title="No collection has a vector field">Add a vector field in a collection's schema to try search and ask here.</EmptyState>
      )}
      {collection && (
        <>
          <div className="pg-setup card">
            <Control id="pg-collection" label="Collection">
              <select id="pg-collection" value={collection.name} onChange={(e) => setName(e.target.value)}>
                {withVectors.map((c) => <option key={c.id} value={c.name}>{c.name}</option>)}
              </select>
            </Control>
            <IdentityPicker collections={items} onChange={setWho} />
          </div>
          <Tabs idPrefix="pg" label="Playground" current={tab} onSelect={setTab}
            tabs={[{ id: 'search', label: 'Search', icon: Search }, { id: 'ask', label: 'Ask', icon: MessageSquareText }]} />
          <TabPanel idPrefix="pg" current={tab} className="card">
            {tab === 'search'
              ? <SearchPanel key={collection.name} collection={collection} who={who} />
              : <AskPanel key={collection.name} collection={collection} collections={items} who={who} />}
          </TabPanel>
        </>
      )}
    </section>
  );
}
