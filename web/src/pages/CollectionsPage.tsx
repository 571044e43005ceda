/**
 * The collections screen: the list on the side, and the editor of the selected
 * collection (`#/collections/:name/schema`) or of a new one (`#/new-collection/:type`).
 * Saves and deletes are reported as toasts.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import type { CollectionModel } from 'pocketbase';
import { Database } from 'lucide-react';
import { errorMessage, pb } from '../lib/api';
import { navigate } from '../lib/router';
import { CollectionsFrame } from '../collections/CollectionsFrame';
import { DeleteCollectionDialog } from '../collections/DeleteCollectionDialog';
import { draftFrom, newDraft } from '../collections/draft';
import type { CollectionType, Draft } from '../collections/model';
import { useCollections } from '../collections/useCollections';
import { EmptyState } from '../ui/EmptyState';
import { ButtonLink } from '../ui/Button';
import { useToast } from '../ui/toast';

// The editor (fields, rules, indexes, auth options) loads when a collection is opened.
const CollectionEditor = lazy(() => import('../collections/CollectionEditor').then((m) => ({ default: m.CollectionEditor })));

export function CollectionsPage({ name, newType }: { name?: string; newType?: string }) {
  const { items, error: listError, reload } = useCollections();
  const [draft, setDraft] = useState<{ original: Draft | null; initial: Draft } | null>(null);
  const [loadError, setLoadError] = useState('');
  const [deleting, setDeleting] = useState(false);
  const toast = useToast();

  useEffect(() => {
    setDraft(null);
    setLoadError('');
    if (name) {
      pb.collections.getOne(name).then(
        (m) => setDraft({ original: draftFrom(m), initial: draftFrom(m) }),
        (err) => setLoadError(errorMessage(err)),
      );
    } else if (newType) {
      if (!['base', 'auth', 'view'].includes(newType)) { setLoadError(`Unknown collection type "${newType}".`); return; }
      newDraft(newType as CollectionType).then((d) => setDraft({ original: null, initial: d }), (err) => setLoadError(errorMessage(err)));
    }
  }, [name, newType]);

  const onSaved = (saved: CollectionModel) => {
    void reload();
    toast.success(`Saved ${saved.name}.`);
    if (saved.name !== name) navigate(`/collections/${encodeURIComponent(saved.name)}/schema`);
    else setDraft({ original: draftFrom(saved), initial: draftFrom(saved) });
  };

  return (
    <CollectionsFrame items={items} error={listError} current={name} compact={!!(name || newType)}>
      {loadError && <p className="error" role="alert">{loadError}</p>}
      {!name && !newType && (
        <div className="card">
          <EmptyState icon={Database} title="No collection selected">
            <p>Choose a collection to browse its records or edit its schema and rules, or create a new one.</p>
            <ButtonLink variant="secondary" href="#/new-collection/base">Create a collection</ButtonLink>
          </EmptyState>
        </div>
      )}
      {draft && (
        <Suspense fallback={<p className="muted">Loading the editor…</p>}>
        <CollectionEditor
          key={`${name ?? newType}:${String(draft.initial.updated ?? '')}`}
          original={draft.original}
          initial={draft.initial}
          collections={items}
          onSaved={onSaved}
          onDelete={() => setDeleting(true)}
        />
        </Suspense>
      )}
      {deleting && name && (
        <DeleteCollectionDialog
          name={name}
          onCancel={() => setDeleting(false)}
          onDeleted={() => { setDeleting(false); toast.success(`Deleted ${name}.`); void reload(); navigate('/collections'); }}
        />
      )}
    </CollectionsFrame>
  );
}
