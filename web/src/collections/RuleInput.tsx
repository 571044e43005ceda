/**
 * One API rule: locked (null = superusers only) or a filter ('' = everyone), with
 * completion of field names and `@request.*`/`@collection.*` under the input, and a
 * debounced syntax check shown next to it (the API's save error wins when present).
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Lock, LockOpen } from 'lucide-react';
import { Button } from '../ui/Button';
import { highlightRule } from './rule-highlight';
import { checkRule } from './rule-syntax';
import { suggestions, wordAt, type Context } from './rule-suggestions';
import { FieldError } from './inputs';

interface Props {
  id: string;
  label: string;
  value: string | null;
  onChange: (v: string | null) => void;
  ctx: Context;
  apiError?: string;
  /** manageRule may not be '': unlocking starts it with a placeholder hint only. */
  hint?: string;
  disabled?: boolean;
}

export function RuleInput({ id, label, value, onChange, ctx, apiError, hint, disabled }: Props) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(-1);
  const [focused, setFocused] = useState(false);
  const [syntax, setSyntax] = useState('');
  const fieldsKey = ctx.fields.join(',');

  useEffect(() => {
    const t = setTimeout(() => setSyntax(value === null ? '' : checkRule(value, ctx.fields)), 300);
    return () => clearTimeout(t);
  }, [value, fieldsKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const locked = value === null;
  const { word, start } = wordAt(value ?? '', caret);
  const list = focused && !locked ? suggestions(word, ctx) : [];

  const accept = (s: string) => {
    const text = value ?? '';
    const next = text.slice(0, start) + s + text.slice(caret);
    onChange(next);
    const pos = start + s.length;
    setActive(-1);
    requestAnimationFrame(() => { ref.current?.focus(); ref.current?.setSelectionRange(pos, pos); setCaret(pos); });
  };

  const onKey = (e: KeyboardEvent) => {
    if (list.length === 0) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); setActive((a) => (a + 1) % list.length); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((a) => (a <= 0 ? list.length - 1 : a - 1)); }
    else if ((e.key === 'Enter' || e.key === 'Tab') && active >= 0) { e.preventDefault(); accept(list[active]!); }
    else if (e.key === 'Escape') { e.stopPropagation(); setFocused(false); }
  };

  const message = apiError ?? syntax;
  return (
    <div className="col-rule">
      <div className="col-rule-head">
        <label htmlFor={id}>{label}</label>
        <Button variant={locked ? 'secondary' : 'ghost'} small icon={locked ? LockOpen : Lock} disabled={disabled} aria-pressed={locked}
          onClick={() => onChange(locked ? '' : null)}>
          {locked ? `Unlock ${label.toLowerCase()}` : `Lock ${label.toLowerCase()}`}
        </Button>
      </div>
      {locked ? (
        <p id={id} className="col-locked muted"><Lock className="icon" aria-hidden="true" /> Superusers only.</p>
      ) : (
        <div className="col-rule-box">
          {/* The coloured copy of the text, under the transparent textarea (same font and box). */}
          <pre className="col-rule-layer" aria-hidden="true">
            {highlightRule(value).map((p, i) => <span key={i} className={`hl-${p.kind}`}>{p.text}</span>)}{'\n'}
          </pre>
          <textarea
            className="col-rule-text"
            id={id}
            ref={ref}
            rows={2}
            value={value}
            disabled={disabled}
            placeholder="Empty: everyone (guests included). Example: @request.auth.id != ''"
            aria-invalid={!!message}
            aria-describedby={`${id}-msg`}
            aria-autocomplete="list"
            aria-controls={list.length > 0 ? `${id}-list` : undefined}
            onChange={(e) => { onChange(e.target.value); setCaret(e.target.selectionStart); setActive(-1); setFocused(true); }}
            onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
            onKeyDown={onKey}
            onFocus={() => setFocused(true)}
            onBlur={() => setTimeout(() => setFocused(false), 150)}
          />
          {list.length > 0 && (
            <ul id={`${id}-list`} className="col-suggest" role="listbox" aria-label={`Suggestions for ${label}`}>
              {list.map((s, i) => (
                <li key={s} role="option" aria-selected={i === active}>
                  <button type="button" tabIndex={-1} onMouseDown={(e) => e.preventDefault()} onClick={() => accept(s)}>{s}</button>
                </li>
              ))}
            </ul>
          )}
          {value === '' && !hint && <span className="muted">Everyone can do this, guests included.</span>}
          {hint && <span className="muted">{hint}</span>}
        </div>
      )}
      <div id={`${id}-msg`}><FieldError message={message} /></div>
    </div>
  );
}
