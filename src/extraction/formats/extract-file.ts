/**
 * One file's text, by its format: the stored name's extension, checked against the
 * first bytes (a PDF or zip signature) so a renamed file is read as what it is. Runs in
 * an extraction thread (extract-thread.ts), never on the server's main thread.
 */
import { extname } from 'node:path';
import { ExtractError, type ExtractLimits } from './limits.js';
import { pdfText } from './pdf.js';
import { docxText, odfText, pptxText, xlsxText } from './office.js';
import { csvText, htmlText, plainText } from './text-formats.js';
import { ocrText } from './ocr.js';

export type Format = 'pdf' | 'docx' | 'pptx' | 'xlsx' | 'odf' | 'csv' | 'html' | 'text' | 'image';

const BY_EXTENSION: Record<string, Format> = {
  '.pdf': 'pdf', '.docx': 'docx', '.pptx': 'pptx', '.xlsx': 'xlsx', '.odt': 'odf', '.odp': 'odf', '.ods': 'odf',
  '.csv': 'csv', '.html': 'html', '.htm': 'html', '.xhtml': 'html',
  '.txt': 'text', '.md': 'text', '.markdown': 'text', '.text': 'text', '.log': 'text', '.json': 'text', '.xml': 'text', '.tsv': 'text',
  '.png': 'image', '.jpg': 'image', '.jpeg': 'image', '.webp': 'image', '.tif': 'image', '.tiff': 'image', '.bmp': 'image', '.gif': 'image',
};

export function formatOf(name: string, bytes: Buffer): Format | undefined {
  const byName = BY_EXTENSION[extname(name).toLowerCase()];
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  return byName;
}

export interface ExtractedFile { text: string; pages?: number }

export async function extractFile(name: string, bytes: Buffer, ocr: boolean, limits: ExtractLimits): Promise<ExtractedFile> {
  const format = formatOf(name, bytes);
  let out: ExtractedFile;
  switch (format) {
    case 'pdf': out = await pdfText(bytes, limits); break;
    case 'docx': out = { text: await docxText(bytes, limits) }; break;
    case 'pptx': out = { text: await pptxText(bytes, limits) }; break;
    case 'xlsx': out = { text: await xlsxText(bytes, limits) }; break;
    case 'odf': out = { text: await odfText(bytes, limits) }; break;
    case 'csv': out = { text: await csvText(bytes) }; break;
    case 'html': out = { text: await htmlText(bytes) }; break;
    case 'text': out = { text: await plainText(bytes) }; break;
    case 'image':
      if (!ocr) throw new ExtractError('an image: OCR is off for this field (extractOcr)');
      out = { text: await ocrText(bytes) };
      break;
    default:
      throw new ExtractError(`unsupported file type (${extname(name) || 'no extension'})`);
  }
  if (out.text.length > limits.maxChars) out.text = out.text.slice(0, limits.maxChars);
  return out;
}
