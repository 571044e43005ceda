/**
 * Field types and their option defaults, as the server defines them
 * (src/core/fields/*.ts): a new field starts with every option filled in.
 */
import {
  Braces, Calendar, CalendarClock, FileText, Hash, KeyRound, Link, List, Mail, MapPin, Paperclip, Share2, Sparkles, ToggleLeft, Type,
  type LucideIcon,
} from 'lucide-react';
import type { Field } from './model';

/** The icon of each field type (editor rows, records form and table headers). */
export const FIELD_ICONS: Record<string, LucideIcon> = {
  text: Type, editor: FileText, number: Hash, bool: ToggleLeft, email: Mail, url: Link, date: Calendar,
  autodate: CalendarClock, select: List, file: Paperclip, relation: Share2, json: Braces, geoPoint: MapPin, password: KeyRound,
  vector: Sparkles,
};

export const fieldIcon = (type: string): LucideIcon => FIELD_ICONS[type] ?? Type;

export const FIELD_TYPES: Record<string, { label: string; defaults: Record<string, unknown> }> = {
  text: { label: 'Plain text', defaults: { min: 0, max: 0, pattern: '', autogeneratePattern: '', primaryKey: false, required: false } },
  editor: { label: 'Rich editor', defaults: { maxSize: 0, convertURLs: false, required: false } },
  number: { label: 'Number', defaults: { min: null, max: null, onlyInt: false, required: false } },
  bool: { label: 'Bool', defaults: { required: false } },
  email: { label: 'Email', defaults: { exceptDomains: [], onlyDomains: [], required: false } },
  url: { label: 'URL', defaults: { exceptDomains: [], onlyDomains: [], required: false } },
  date: { label: 'Date/time', defaults: { min: '', max: '', required: false } },
  autodate: { label: 'Autodate', defaults: { onCreate: true, onUpdate: false } },
  select: { label: 'Select', defaults: { values: [], maxSelect: 1, required: false } },
  file: { label: 'File', defaults: { maxSelect: 1, maxSize: 0, mimeTypes: [], thumbs: [], protected: false, required: false } },
  relation: { label: 'Relation', defaults: { collectionId: '', maxSelect: 1, minSelect: 0, cascadeDelete: false, required: false } },
  json: { label: 'JSON', defaults: { maxSize: 0, required: false } },
  geoPoint: { label: 'Geo point', defaults: { required: false } },
  vector: { label: 'Vector', defaults: { dimensions: 512, distance: 'cosine', index: '', embedder: '', source: '', chunkSize: 1000, chunkOverlap: 150, required: false } },
  password: { label: 'Password', defaults: { min: 0, max: 0, pattern: '', cost: 0, required: false } },
};

export function newField(type: string, name: string): Field {
  return { name, type, hidden: false, presentable: false, ...structuredClone(FIELD_TYPES[type]?.defaults ?? {}) };
}

/** PocketBase's dashboard adds these to every new collection (many apps sort by `created`). */
export function autodateFields(): Field[] {
  return [
    { ...newField('autodate', 'created'), onCreate: true, onUpdate: false },
    { ...newField('autodate', 'updated'), onCreate: true, onUpdate: true },
  ];
}
