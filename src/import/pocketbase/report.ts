/** The import's report: what was imported, what was not and why, and the verification, as text. */
import type { Skipped } from './import-collections.js';
import type { TableCheck } from './verify.js';

export interface ImportReport {
  source: string;
  target: string;
  dryRun: boolean;
  collections: { name: string; type: string; records: number; files: number }[];
  skipped: Skipped[];
  notExecuted: { migrations: string[]; hooks: string[] };
  checks: TableCheck[];
  filesNote: string;
}

export function formatReport(r: ImportReport): string {
  const out: string[] = [];
  out.push(r.dryRun ? `Dry run: nothing was written. Importing ${r.source} into ${r.target} would give:` : `Imported ${r.source} into ${r.target}.`);
  out.push('', 'Collections:');
  const width = Math.max(10, ...r.collections.map((c) => c.name.length));
  out.push(`  ${'name'.padEnd(width)}  ${'type'.padEnd(4)}  ${'records'.padStart(8)}  ${'files'.padStart(6)}`);
  for (const c of r.collections)
    out.push(`  ${c.name.padEnd(width)}  ${c.type.padEnd(4)}  ${(c.type === 'view' ? '-' : String(c.records)).padStart(8)}  ${(c.type === 'view' ? '-' : String(c.files)).padStart(6)}`);
  const totalRecords = r.collections.reduce((n, c) => n + c.records, 0);
  const totalFiles = r.collections.reduce((n, c) => n + c.files, 0);
  out.push(`  ${r.collections.length} collections, ${totalRecords} records, ${totalFiles} files (${r.dryRun ? 'not copied in a dry run' : r.filesNote}); thumbnails are made again on first request.`);
  out.push('', 'Skipped:');
  if (!r.skipped.length) out.push('  nothing');
  for (const s of r.skipped) out.push(`  ${s.name}: ${s.reason}`);
  out.push('', 'Not executed (Galley does not run PocketBase JavaScript; port what they do to galley_hooks / galley_migrations):');
  if (!r.notExecuted.migrations.length && !r.notExecuted.hooks.length) out.push('  nothing found');
  if (r.notExecuted.migrations.length) out.push(`  JS migrations (their names are recorded as applied): ${r.notExecuted.migrations.join(', ')}`);
  if (r.notExecuted.hooks.length) out.push(`  hooks: ${r.notExecuted.hooks.join(', ')}`);
  out.push('', 'Verification (rows and content hash, data.db vs Galley):');
  for (const c of r.checks)
    out.push(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.table.padEnd(width)}  ${String(c.sourceRows).padStart(6)} = ${String(c.targetRows).padEnd(6)}  ${c.sourceHash ? `${c.sourceHash} = ${c.targetHash}` : '(view: rows only)'}`);
  out.push(`  ${r.checks.every((c) => c.ok) ? 'all tables match' : 'MISMATCH'}`);
  return out.join('\n') + '\n';
}
