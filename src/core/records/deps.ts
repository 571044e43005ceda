/** What the records layer needs from the rest of Galley. */
import type { Store } from '../../store/store.js';
import type { CollectionService } from '../collections/collection-service.js';

export interface RecordDeps {
  store: Store;
  collections: CollectionService;
}
