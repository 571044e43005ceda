/**
 * editor (rich HTML): a source textarea and a preview in a sandboxed iframe. `sandbox=""`
 * gives the preview an opaque origin with scripts, forms and navigation disabled, so
 * stored HTML can never run script in the dashboard or reach its token.
 */
import { errorAria, FieldShell, inputId, type FieldProps } from './FieldShell';

export function EditorInput({ field, value, onChange, error }: FieldProps<string>) {
  return (
    <FieldShell field={field} error={error}>
      <div className="rec-editor">
        <textarea id={inputId(field)} rows={8} value={value} spellCheck={false}
          onChange={(e) => onChange(e.target.value)} {...errorAria(field, error)} />
        <iframe className="rec-editor-preview" sandbox="" srcDoc={value} title={`${field.name} preview`} />
      </div>
    </FieldShell>
  );
}
