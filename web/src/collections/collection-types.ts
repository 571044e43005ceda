/** The icon and badge tone of each collection type, shared by the list, editor and records screens. */
import { Database, Eye, UsersRound, type LucideIcon } from 'lucide-react';
import type { Tone } from '../ui/Badge';

export const COLLECTION_TYPES: Record<string, { icon: LucideIcon; tone: Tone; label: string }> = {
  base: { icon: Database, tone: 'neutral', label: 'Base' },
  auth: { icon: UsersRound, tone: 'accent', label: 'Auth' },
  view: { icon: Eye, tone: 'warning', label: 'View' },
};

export const collectionIcon = (type: string): LucideIcon => COLLECTION_TYPES[type]?.icon ?? Database;
