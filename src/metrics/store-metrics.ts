/** The StoreObserver that times statements, transactions and waits into the metrics. */
import type { StoreObserver } from '../store/store-observer.js';
import type { GalleyMetrics } from './galley-metrics.js';

export function storeMetrics(metrics: GalleyMetrics, engine: 'sqlite' | 'postgres'): StoreObserver {
  const statements = {
    read: { ok: metrics.dbDuration.labels(engine, 'read', 'ok'), error: metrics.dbDuration.labels(engine, 'read', 'error') },
    write: { ok: metrics.dbDuration.labels(engine, 'write', 'ok'), error: metrics.dbDuration.labels(engine, 'write', 'error') },
    ddl: { ok: metrics.dbDuration.labels(engine, 'ddl', 'ok'), error: metrics.dbDuration.labels(engine, 'ddl', 'error') },
  };
  const transactions = { ok: metrics.dbTransactions.labels(engine, 'commit'), error: metrics.dbTransactions.labels(engine, 'rollback') };
  return {
    statement(kind) {
      const started = performance.now();
      return (error) => statements[kind][error === undefined ? 'ok' : 'error'].observe((performance.now() - started) / 1000);
    },
    async transaction(run) {
      const started = performance.now();
      try {
        const result = await run();
        transactions.ok.observe((performance.now() - started) / 1000);
        return result;
      } catch (err) {
        transactions.error.observe((performance.now() - started) / 1000);
        throw err;
      }
    },
    waited(kind, seconds) {
      metrics.dbWait.labels(engine, kind).observe(seconds);
    },
  };
}
