/** Who is making a request, as resolved from its token. */
import type { Collection } from '../collections/collection.js';

export interface RequestAuth {
  /** The authenticated record in API (JSON) form, or null for guests. */
  record: Record<string, unknown> | null;
  collection: Collection | null;
  isSuperuser: boolean;
}

export const GUEST: RequestAuth = Object.freeze({ record: null, collection: null, isSuperuser: false });

export const SUPERUSER_SYSTEM: RequestAuth = Object.freeze({ record: null, collection: null, isSuperuser: true });
