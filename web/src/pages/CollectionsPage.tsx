/**
 * The collections screen: the list on the side, and the editor of the selected
 * collection (`#/collections/:name/schema`) or of a new one (`#/new-collection/:type`).
 */
import { useCallback, useEffect, useState } from 'react';
import type { CollectionModel } from 'pocketbase';
import { errorMessage, pb } from '../lib/api';
import { navigate } from '../lib/router';
import { CollectionEditor } from '../collections/CollectionEditor';
import { CollectionList } from '../collections/CollectionList';
import { DeleteCollectionDialog } from '../collections/DeleteCollectionDialog';
import { draftFrom, newDraft } from '../collections/draft';
import type { CollectionType, Draft } from '../collections/model';
import '../collections/collections.css';

export function CollectionsPage({ name, newType }: { name?: string; newType?: string }) {
  const [items, setItems] = useState<CollectionModel[]>([]);
  const [listError, setListError] = useState('');
  const [draft, setDraft] = useState<{ original: Draft | null; initial: Draft } | null>(null);
  const [loadError, setLoadError] = useState('');
  const [deleting, setDeleting] = useState(false);
  const [notice, setNotice] = useState('');

  const reload = useCallback(() => pb.collections.getFullList({ sort: 'name' }).then(setItems, (err) => setListError(errorMessage(err))), []);
  useEffect(() => { void reload(); }, [reload]);

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
    setNotice(`Saved ${saved.name}.`);
    if (saved.name !== name) navigate(`/collections/${encodeURIComponent(saved.name)}/schema`);
    else setDraft({ original: draftFrom(saved), initial: draftFrom(saved) });
  };

  return (
    <div className="col-page">
      <CollectionList items={items} current={name} error={listError} />
      <div className="col-main">
        {notice && <p className="col-notice" role="status">{notice}</p>}
        {loadError && <p className="error" role="alert">{loadError}</p>}
        {!name && !newType && <p className="muted">Choose a collection to edit its schema and rules, or create a new one.</p>}
        {name && draft?.original && <p><a href={`#/collections/${encodeURIComponent(name)}/records`}>Browse records of {name}</a></p>}
        {draft && (
          <CollectionEditor
            key={`${name ?? newType}:${String(draft.initial.updated ?? '')}`}
            original={draft.original}
            initial={draft.initial}
            collections={items}
            onSaved={onSaved}
            onDelete={() => setDeleting(true)}
          />
        )}
      </div>
      {deleting && name && (
        <DeleteCollectionDialog
          name={name}
          onCancel={() => setDeleting(false)}
          onDeleted={() => { setDeleting(false); setNotice(`Deleted ${name}.`); void reload(); navigate('/collections'); }}
        />
      )}
    </div>
  );
}
