/**
 * The playground's ask: POST /api/collections/{c}/ask as the chosen identity. Streamed
 * (the default) the answer grows as the `delta` events arrive, after the `citations`
 * event; `done` brings the model and token usage, `error` the failure. Stop aborts the
 * request, which makes the server cancel the model call. Each citation links to its record.
 */
import { useId, useRef, useState, type FormEvent } from 'react';
import type { CollectionModel } from 'pocketbase';
import { MessageSquareText, Square } from 'lucide-react';
import { Button } from '../ui/Button';
import { fieldMessages, postAs, type Identity } from './acting-client';
import { readEvents } from './sse';
import { recordHref } from './results';
import { Control } from './Control';

export interface Citation { n: number; recordId: string; collectionId: string; field: string; start: number; end: number; page: number | null; text: string }
interface Usage { promptTokens: number; completionTokens: number; totalTokens: number }
interface Answer { text: string; citations: Citation[]; model?: string; usage?: Usage; done: boolean }

export function AskPanel({ collection, collections, who }: { collection: CollectionModel; collections: CollectionModel[]; who: Identity }) {
  const id = useId();
  const fields = collection.fields.filter((f) => f.type === 'vector' && f.embedder);
  const [field, setField] = useState(fields[0]?.name ?? '');
  const [question, setQuestion] = useState('');
  const [k, setK] = useState(8);
  const [filter, setFilter] = useState('');
  const [stream, setStream] = useState(true);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<{ message: string; details: string[] } | null>(null);
  const abort = useRef<AbortController | null>(null);
  const busy = abort.current !== null && answer !== null && !answer.done;

  const nameOf = (collectionId: string) => collections.find((c) => c.id === collectionId)?.name ?? collection.name;

  const run = async (e: FormEvent) => {
    e.preventDefault();
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    setAnswer({ text: '', citations: [], done: false });
    const fail = (message: string, details: string[] = []) => { setError({ message, details }); setAnswer((a) => (a ? { ...a, done: true } : a)); };
    try {
      const body = { question, k, stream, ...(field ? { field } : {}), ...(filter.trim() ? { filter } : {}) };
      const res = await postAs(who, `/api/collections/${encodeURIComponent(collection.name)}/ask`, body, controller.signal);
      if (!stream || !res.headers.get('content-type')?.includes('text/event-stream') || !res.body) {
        const a = (await res.json()) as { answer: string; citations: Citation[]; model: string; usage: Usage };
        setAnswer({ text: a.answer, citations: a.citations, model: a.model, usage: a.usage, done: true });
        return;
      }
      for await (const ev of readEvents(res.body)) {
        const data = JSON.parse(ev.data) as Record<string, unknown>;
        if (ev.event === 'citations') setAnswer((a) => a && { ...a, citations: data.citations as Citation[] });
        else if (ev.event === 'delta') setAnswer((a) => a && { ...a, text: a.text + String(data.text ?? '') });
        else if (ev.event === 'done') setAnswer((a) => a && { ...a, model: data.model as string, usage: data.usage as Usage, done: true });
        else if (ev.event === 'error') return fail(String(data.message ?? 'The model call failed.'));
      }
      setAnswer((a) => a && { ...a, done: true });
    } catch (err) {
      if (controller.signal.aborted) return setAnswer((a) => a && { ...a, done: true });
      fail((err as Error).message, fieldMessages(err));
    } finally {
      if (abort.current === controller) abort.current = null;
    }
  };

  return (
    <form className="pg-panel" onSubmit={(e) => void run(e)} aria-label="Ask">
      <div className="pg-row">
        <Control id={`${id}-field`} label="Vector field">
          <select id={`${id}-field`} value={field} onChange={(e) => setField(e.target.value)}>
            {fields.map((f) => <option key={f.name} value={f.name}>{f.name}{f.source ? ` (from ${String(f.source)})` : ''}</option>)}
          </select>
        </Control>
        <Control id={`${id}-k`} className="pg-narrow" label="Passages (k)">
          <input id={`${id}-k`} type="number" min={1} max={50} value={k} onChange={(e) => setK(Number(e.target.value))} />
        </Control>
        <label className="pg-check"><input type="checkbox" checked={stream} onChange={(e) => setStream(e.target.checked)} /> Stream the answer</label>
      </div>
      <Control id={`${id}-q`} label="Question">
        <textarea id={`${id}-q`} rows={2} value={question} onChange={(e) => setQuestion(e.target.value)} required />
      </Control>
      <Control id={`${id}-filter`} label="Filter (optional, applied with the list rule before retrieval)">
        <input id={`${id}-filter`} value={filter} onChange={(e) => setFilter(e.target.value)} />
      </Control>
      <div className="pg-actions">
        {busy && <Button variant="secondary" icon={Square} onClick={() => abort.current?.abort()}>Stop</Button>}
        <Button type="submit" icon={MessageSquareText} disabled={busy || fields.length === 0}>Ask</Button>
      </div>
      {fields.length === 0 && <p className="muted">This collection has no vector field with an embedder: asking needs one.</p>}
      {error && (
        <div role="alert" className="error">
          <p>{error.message}</p>
          {error.details.length > 0 && <ul>{error.details.map((d) => <li key={d}>{d}</li>)}</ul>}
        </div>
      )}
      {answer && (
        <section className="pg-answer" aria-labelledby={`${id}-answer`} aria-busy={!answer.done}>
          <h3 id={`${id}-answer`}>Answer</h3>
          <p className="pg-answer-text" data-testid="answer">{answer.text || (answer.done ? '' : '…')}</p>
          {answer.done && answer.model && (
            <p className="muted">{answer.model}{answer.usage && ` · ${answer.usage.promptTokens} prompt + ${answer.usage.completionTokens} completion = ${answer.usage.totalTokens} tokens`}</p>
          )}
          <h3>Citations</h3>
          {answer.citations.length === 0 ? <p className="muted">{answer.done ? 'No passages were given to the model.' : 'Waiting…'}</p> : (
            <ol className="pg-citations" aria-label="Citations">
              {answer.citations.map((c) => (
                <li key={`${c.n}-${c.recordId}-${c.start}`} value={c.n}>
                  <a href={recordHref(nameOf(c.collectionId), c.recordId)}>[{c.n}] {c.recordId}</a>
                  <span className="muted"> {c.field} {c.start}–{c.end}{c.page !== null && c.page !== undefined ? `, page ${c.page}` : ''}</span>
                  <blockquote>{c.text}</blockquote>
                </li>
              ))}
            </ol>
          )}
        </section>
      )}
    </form>
  );
}
