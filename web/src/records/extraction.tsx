/**
 * The text-extraction state Galley keeps for a file field with `extractTextTo`
 * (`<file>Extraction`, a system json field: pending / done / failed with a reason),
 * shown in the records table as a small chip (the failure reason is its tooltip) and in
 * the record form as read-only text: clients cannot write it.
 */
import type { CollectionField } from 'pocketbase';
import { Badge, type Tone } from '../ui/Badge';
import { Tooltip } from '../ui/Tooltip';

/** True for the system field that reports a file field's extraction. */
export function isExtractionField(f: CollectionField, fields: CollectionField[]): boolean {
  if (f.type !== 'json' || !f.system || !f.name.endsWith('Extraction')) return false;
  const file = fields.find((x) => x.name === f.name.slice(0, -'Extraction'.length));
  return file?.type === 'file' && typeof file.extractTextTo === 'string' && file.extractTextTo !== '';
}

const TONES: Record<string, Tone> = { pending: 'warning', done: 'success', failed: 'danger' };

export function ExtractionChip({ value }: { value: unknown }) {
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  const state = typeof value === 'object' ? (value as { status?: unknown; error?: unknown }) : {};
  const status = typeof state.status === 'string' ? state.status : 'unknown';
  const chip = <Badge tone={TONES[status] ?? 'neutral'}>{status}</Badge>;
  if (status !== 'failed') return <span className="rec-extraction">{chip}</span>;
  const reason = typeof state.error === 'string' && state.error ? state.error : 'no reason given';
  // Focusable, so the reason is reachable from the keyboard too.
  return <span className="rec-extraction"><Tooltip tip={`Extraction failed: ${reason}`} focusable>{chip}</Tooltip></span>;
}

/** The state in the record form: the chip, and a failure's reason spelled out. */
export function ExtractionState({ field, value }: { field: CollectionField; value: unknown }) {
  const state = value && typeof value === 'object' ? (value as { status?: unknown; error?: unknown; updated?: unknown }) : null;
  return (
    <div className="rec-field" role="group" aria-labelledby={`rec-field-${field.name}-title`}>
      <span id={`rec-field-${field.name}-title`} className="rec-field-title">{field.name}<span className="muted rec-field-type">text extraction</span></span>
      <span className="rec-extraction-state">
        <ExtractionChip value={value} />
        {state?.status === 'failed' && typeof state.error === 'string' && <span>{state.error}</span>}
        {typeof state?.updated === 'string' && <span className="muted">{state.updated} UTC</span>}
      </span>
      <span className="muted">Kept by Galley as the file's text is extracted; not editable.</span>
    </div>
  );
}
