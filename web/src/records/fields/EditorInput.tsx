/**
 * editor (rich HTML): a TipTap editor with a small toolbar, plus a preview of the stored
 * HTML in a sandboxed iframe.
 *
 * TipTap parses HTML into its schema (StarterKit: paragraphs, headings, lists, marks,
 * links, code, quotes), so scripts, event handlers and unknown tags never reach the
 * editor's DOM. The value only becomes the editor's HTML once the user edits; until then
 * the stored HTML is kept as is. The preview shows that stored value, including markup
 * the editor cannot represent (tables, images, classes…), and a note names such tags,
 * since editing drops them. `sandbox=""` gives the preview an opaque origin with scripts,
 * forms and navigation disabled, so stored HTML can never run script in the dashboard.
 *
 * CSP: TipTap's own `<style>` injection is off (`injectCSS: false`); the ProseMirror base
 * rules are in editor.css.
 */
import { useEffect, useMemo, useRef } from 'react';
import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { Bold, Heading2, Italic, Link, List, ListOrdered, Redo2, Undo2, type LucideIcon } from 'lucide-react';
import { errorAria, FieldShell, inputId, type FieldProps } from './FieldShell';
import './editor.css';

/** Tags StarterKit keeps (anything else is dropped when the editor parses the HTML). */
const KNOWN_TAGS = new Set([
  'html', 'head', 'body', 'p', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'b', 'em', 'i', 'u', 's',
  'strike', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'hr',
]);

/** Tags in `html` the editor cannot represent. DOMParser documents run no script and load nothing. */
function unsupportedTags(html: string): string[] {
  if (!html || !/<[a-z]/i.test(html)) return [];
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const found = new Set<string>();
  for (const el of Array.from(doc.querySelectorAll('*'))) {
    const tag = el.tagName.toLowerCase();
    if (!KNOWN_TAGS.has(tag)) found.add(tag);
  }
  return [...found];
}

const htmlOf = (editor: Editor) => (editor.isEmpty ? '' : editor.getHTML());

function Toolbar({ editor, label }: { editor: Editor; label: string }) {
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      heading: e.isActive('heading', { level: 2 }),
      bulletList: e.isActive('bulletList'),
      orderedList: e.isActive('orderedList'),
      link: e.isActive('link'),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });
  const chain = () => editor.chain().focus();
  const setLink = () => {
    const prev = (editor.getAttributes('link').href as string | undefined) ?? '';
    const href = window.prompt('Link URL (empty to remove)', prev);
    if (href === null) return;
    if (href.trim() === '') chain().extendMarkRange('link').unsetLink().run();
    else chain().extendMarkRange('link').setLink({ href: href.trim() }).run();
  };
  const toggle = (name: string, title: string, pressed: boolean, run: () => void, Icon: LucideIcon) => (
    <button type="button" className="rec-rte-btn" aria-label={name} title={title} aria-pressed={pressed}
      onMouseDown={(e) => e.preventDefault()} onClick={run}><Icon className="icon" aria-hidden="true" /></button>
  );
  return (
    // No aria-controls: the editable it would name is mounted a moment after the toolbar, and axe
    // (rightly) flags a reference to an id not yet in the page.
    <div className="rec-rte-toolbar" role="toolbar" aria-label={label}>
      {toggle('Bold', 'Bold (Ctrl+B)', state.bold, () => chain().toggleBold().run(), Bold)}
      {toggle('Italic', 'Italic (Ctrl+I)', state.italic, () => chain().toggleItalic().run(), Italic)}
      {toggle('Heading', 'Heading', state.heading, () => chain().toggleHeading({ level: 2 }).run(), Heading2)}
      {toggle('Bullet list', 'Bullet list', state.bulletList, () => chain().toggleBulletList().run(), List)}
      {toggle('Numbered list', 'Numbered list', state.orderedList, () => chain().toggleOrderedList().run(), ListOrdered)}
      {toggle('Link', 'Link', state.link, setLink, Link)}
      <button type="button" className="rec-rte-btn" aria-label="Undo" title="Undo (Ctrl+Z)" disabled={!state.canUndo}
        onMouseDown={(e) => e.preventDefault()} onClick={() => chain().undo().run()}><Undo2 className="icon" aria-hidden="true" /></button>
      <button type="button" className="rec-rte-btn" aria-label="Redo" title="Redo (Ctrl+Shift+Z)" disabled={!state.canRedo}
        onMouseDown={(e) => e.preventDefault()} onClick={() => chain().redo().run()}><Redo2 className="icon" aria-hidden="true" /></button>
    </div>
  );
}

export function EditorInput({ field, value, onChange, error }: FieldProps<string>) {
  const html = value ?? '';
  /** The last HTML this editor emitted, so its own updates are not fed back into it. */
  const emitted = useRef(html);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const id = inputId(field);
  const aria = errorAria(field, error);

  const attributes: Record<string, string> = {
    id,
    class: 'rec-rte-content',
    role: 'textbox',
    'aria-multiline': 'true',
    'aria-label': field.name,
    ...(aria['aria-invalid'] ? { 'aria-invalid': 'true' } : {}),
    ...(aria['aria-describedby'] ? { 'aria-describedby': aria['aria-describedby'] } : {}),
  };
  const attrKey = JSON.stringify(attributes);

  const editor = useEditor({
    injectCSS: false,
    extensions: [StarterKit.configure({ heading: { levels: [2] }, link: { openOnClick: false } })],
    content: html,
    editorProps: { attributes },
    onUpdate: ({ editor: e }) => {
      const next = htmlOf(e);
      emitted.current = next;
      onChangeRef.current(next);
    },
  });

  // Error state / field name changes update the editable's attributes without a new editor.
  useEffect(() => {
    if (editor && !editor.isDestroyed) editor.setOptions({ editorProps: { attributes: JSON.parse(attrKey) as Record<string, string> } });
  }, [editor, attrKey]);

  // A value set from outside (record loaded, form reset) replaces the editor's content.
  useEffect(() => {
    if (!editor || html === emitted.current) return;
    emitted.current = html;
    editor.commands.setContent(html, { emitUpdate: false });
  }, [editor, html]);

  const dropped = useMemo(() => unsupportedTags(html), [html]);

  return (
    <FieldShell field={field} error={error}
      note={dropped.length ? <span className="muted rec-rte-note">Not editable here, kept until you edit: {dropped.map((t) => `<${t}>`).join(' ')}</span> : null}>
      <div className="rec-editor">
        <div className="rec-rte">
          {editor && <Toolbar editor={editor} label={`${field.name} formatting`} />}
          <EditorContent editor={editor} />
        </div>
        <iframe className="rec-editor-preview" sandbox="" srcDoc={html} title={`${field.name} preview`} />
      </div>
    </FieldShell>
  );
}
