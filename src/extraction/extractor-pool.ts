/**
 * Runs extractions in worker threads, away from the thread that serves requests,
 * each under a heap limit (`resourceLimits`) and a time limit: a thread that runs out
 * of memory dies on its own, one that overruns its time is terminated, and either way
 * only that file fails ("out of memory", "timed out") while the server goes on. Threads
 * are reused for the next file and closed after a while idle.
 *
 * The thread's code is extract-thread.ts (found or bundled by core/thread-module.ts).
 */
import { Worker } from 'node:worker_threads';
import { threadModuleUrl } from '../core/thread-module.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from './formats/limits.js';

export interface PoolOptions {
  /** Heap of one extraction thread, MiB. */
  memoryMb: number;
  /** Time for one file, ms. */
  timeoutMs: number;
  /** Threads kept for reuse. */
  keepThreads: number;
  limits: ExtractLimits;
}

export const DEFAULT_POOL_OPTIONS: PoolOptions = { memoryMb: 256, timeoutMs: 60_000, keepThreads: 2, limits: DEFAULT_EXTRACT_LIMITS };

export type Extracted = { ok: true; text: string; pages?: number } | { ok: false; error: string };

const IDLE_MS = 30_000;

interface Thread { worker: Worker; options: PoolOptions; idleTimer?: NodeJS.Timeout }

export class ExtractorPool {
  private idle: Thread[] = [];
  private readonly busy = new Set<Thread>();
  private nextId = 0;
  options: PoolOptions;

  constructor(options: Partial<PoolOptions> = {}) {
    this.options = { ...DEFAULT_POOL_OPTIONS, ...options };
  }

  /** New limits: idle threads (started with the old ones) are closed; busy ones finish their file first. */
  reconfigure(options: PoolOptions): void {
    this.options = options;
    for (const t of this.idle) {
      clearTimeout(t.idleTimer);
      void t.worker.terminate();
    }
    this.idle = [];
  }

  /** The text of one file, or why not. Never throws for a bad file. */
  async extract(name: string, bytes: Buffer, ocr: boolean): Promise<Extracted> {
    const thread = this.idle.pop() ?? (await this.start());
    clearTimeout(thread.idleTimer);
    thread.worker.ref();
    this.busy.add(thread);
    const id = ++this.nextId;
    const { timeoutMs, memoryMb } = this.options;
    let healthy = true;
    const result = await new Promise<Extracted>((resolve) => {
      const timer = setTimeout(() => {
        healthy = false;
        resolve({ ok: false, error: `timed out after ${timeoutMs} ms` });
      }, timeoutMs);
      const onMessage = (msg: { id: number; text?: string; pages?: number; error?: string }) => {
        if (msg.id !== id) return;
        done();
        resolve(msg.error !== undefined ? { ok: false, error: msg.error } : { ok: true, text: msg.text ?? '', pages: msg.pages });
      };
      const onError = (err: Error & { code?: string }) => {
        healthy = false;
        done();
        resolve({ ok: false, error: err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `out of memory (the limit is ${memoryMb} MiB)` : `the extraction thread failed (${err.message})` });
      };
      const onExit = (code: number) => {
        healthy = false;
        done();
        resolve({ ok: false, error: `the extraction thread stopped (exit ${code})` });
      };
      const done = () => {
        clearTimeout(timer);
        thread.worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      };
      thread.worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      // A copy the thread owns (the caller's buffer may be a slice of a pooled one).
      const copy = new Uint8Array(bytes);
      thread.worker.postMessage({ id, name, bytes: copy, ocr, limits: this.options.limits }, [copy.buffer]);
    });
    this.busy.delete(thread);
    if (!healthy || thread.options !== this.options || this.idle.length >= this.options.keepThreads) void thread.worker.terminate();
    else this.park(thread);
    return result;
  }

  private async start(): Promise<Thread> {
    const worker = new Worker(await threadModuleUrl(import.meta.url, 'extraction', 'extract-thread'), {
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, this.options.memoryMb / 8)) },
      stdout: true, stderr: true, // pdf.js and tesseract talk; nothing of it reaches the server's output
    });
    worker.stdout.resume();
    worker.stderr.resume();
    return { worker, options: this.options };
  }

  private park(thread: Thread): void {
    thread.worker.unref();
    thread.idleTimer = setTimeout(() => {
      this.idle = this.idle.filter((t) => t !== thread);
      void thread.worker.terminate();
    }, IDLE_MS);
    thread.idleTimer.unref();
    this.idle.push(thread);
  }

  async close(): Promise<void> {
    const all = [...this.idle, ...this.busy];
    this.idle = [];
    for (const t of all) clearTimeout(t.idleTimer);
    await Promise.all(all.map((t) => t.worker.terminate()));
  }
}
