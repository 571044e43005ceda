/**
 * Images through OCR: tesseract.js with the English model from the
 * @tesseract.js-data/eng package (no download: langPath points into node_modules, and
 * no cache is written). One tesseract worker per extraction thread, made on first use.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ExtractError } from './limits.js';

type OcrWorker = { recognize(image: Buffer): Promise<{ data: { text: string } }>; terminate(): Promise<unknown> };
let worker: Promise<OcrWorker> | undefined;

function langPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
}

export async function ocrText(bytes: Buffer): Promise<string> {
  worker ??= (async () => {
    const { createWorker } = (await import('tesseract.js')).default;
    return (await createWorker('eng', 1, { langPath: langPath(), gzip: true, cacheMethod: 'none' })) as unknown as OcrWorker;
  })();
  let w: OcrWorker;
  try {
    w = await worker;
  } catch (err) {
    worker = undefined;
    throw new ExtractError(`OCR is not available (${(err as Error).message})`);
  }
  try {
    const { data } = await w.recognize(bytes);
    return data.text.replace(/[ \t]+\n/g, '\n').trim();
  } catch (err) {
    throw new ExtractError(`the image could not be read (${(err as Error)?.message ?? String(err)})`);
  }
}
