/**
 * Toasts: the outcome of an action (saved, deleted, failed) shown in a corner instead
 * of inline text. Successes are one polite live region (role=status) and go after 5 s;
 * each failure is an alert that stays 10 s or until dismissed. `clear()` drops them all:
 * an action clears the previous outcome when it starts, so what shows is always its own.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { CircleAlert, CircleCheck, X } from 'lucide-react';

type Kind = 'success' | 'error';
interface Item { id: number; kind: Kind; message: string }
interface Api { success: (message: string) => void; error: (message: string) => void; clear: () => void }

const Ctx = createContext<Api | null>(null);
const LIFETIME: Record<Kind, number> = { success: 5000, error: 10000 };

export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<Item[]>([]);
  const next = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setItems((all) => all.filter((t) => t.id !== id));
  }, []);

  const push = useCallback((kind: Kind, message: string) => {
    const id = next.current++;
    // The same message again replaces the old one instead of stacking.
    setItems((all) => [...all.filter((t) => !(t.kind === kind && t.message === message)), { id, kind, message }]);
    timers.current.set(id, setTimeout(() => dismiss(id), LIFETIME[kind]));
  }, [dismiss]);

  const api = useMemo<Api>(() => ({
    success: (m) => push('success', m),
    error: (m) => push('error', m),
    clear: () => {
      for (const t of timers.current.values()) clearTimeout(t);
      timers.current.clear();
      setItems([]);
    },
  }), [push]);

  const ok = items.filter((t) => t.kind === 'success');
  const bad = items.filter((t) => t.kind === 'error');
  return (
    <Ctx.Provider value={api}>
      {children}
      <div className="toasts">
        {ok.length > 0 && (
          <div role="status" className="toast-group">
            {ok.map((t) => <ToastView key={t.id} item={t} onDismiss={dismiss} />)}
          </div>
        )}
        {bad.map((t) => (
          <div key={t.id} role="alert" className="toast-group"><ToastView item={t} onDismiss={dismiss} /></div>
        ))}
      </div>
    </Ctx.Provider>
  );
}

function ToastView({ item, onDismiss }: { item: Item; onDismiss: (id: number) => void }) {
  const Icon = item.kind === 'success' ? CircleCheck : CircleAlert;
  return (
    <div className={`toast toast-${item.kind}`}>
      <Icon className="icon toast-icon" aria-hidden="true" />
      <span className="toast-message">{item.message}</span>
      <button type="button" className="ghost small icon-only toast-close" aria-label="Dismiss" onClick={() => onDismiss(item.id)}>
        <X className="icon" aria-hidden="true" />
      </button>
    </div>
  );
}

export function useToast(): Api {
  const api = useContext(Ctx);
  if (!api) throw new Error('useToast outside ToastProvider');
  return api;
}
