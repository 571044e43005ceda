/**
 * The code of an extraction thread (extractor-pool.ts starts it with memory limits):
 * it takes one file at a time — `{ id, name, bytes, ocr, limits }` — and answers
 * `{ id, text, pages }` or `{ id, error }` (an ExtractError's reason, or "internal: …"
 * for anything else). The pool terminates it when a file takes too long.
 */
import { parentPort } from 'node:worker_threads';
import { extractFile } from './formats/extract-file.js';
import { ExtractError, type ExtractLimits } from './formats/limits.js';

interface Task { id: number; name: string; bytes: Uint8Array; ocr: boolean; limits: ExtractLimits }

// pdf.js and others print warnings about odd files; the reason goes back in the answer instead.
console.log = console.warn = console.info = () => {};

parentPort?.on('message', (task: Task) => {
  extractFile(task.name, Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength), task.ocr, task.limits).then(
    (out) => parentPort!.postMessage({ id: task.id, text: out.text, pages: out.pages }),
    (err: unknown) => {
      const reason = err instanceof ExtractError ? err.message : `internal: ${(err as Error)?.message ?? String(err)}`;
      parentPort!.postMessage({ id: task.id, error: reason });
    },
  );
});
