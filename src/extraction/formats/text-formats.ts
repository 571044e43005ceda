/**
 * Text-based formats: plain text and Markdown (kept as written), HTML (its visible
 * text, through html-to-text: scripts, styles and images left out, links without
 * their URLs) and CSV (parsed by exceljs's reader into a table of text). The bytes are
 * decoded first: a BOM, else the HTML's declared charset, else the encoding chardet
 * detects, through iconv-lite.
 */
import { Readable } from 'node:stream';
import { ExtractError } from './limits.js';
import { tableText } from './table-text.js';

export async function decodeText(bytes: Buffer, declared?: string): Promise<string> {
  const iconv = (await import('iconv-lite')).default;
  let encoding: string | undefined;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) encoding = 'utf-8';
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  else if (declared && iconv.encodingExists(declared)) encoding = declared;
  else if (isUtf8(bytes)) encoding = 'utf-8';
  else {
    const chardet = await import('chardet');
    const detected = chardet.detect(bytes.subarray(0, 64 * 1024));
    encoding = detected && iconv.encodingExists(detected) ? detected : 'windows-1252';
  }
  return iconv.decode(bytes, encoding).replace(/^\uFEFF/, '');
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export async function plainText(bytes: Buffer): Promise<string> {
  return (await decodeText(bytes)).replace(/\r\n?/g, '\n').trim();
}

export async function htmlText(bytes: Buffer): Promise<string> {
  const head = bytes.subarray(0, 4096).toString('latin1');
  const declared = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1];
  const html = await decodeText(bytes, declared);
  const { convert } = await import('html-to-text');
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'h4', options: { uppercase: false } },
      { selector: 'h5', options: { uppercase: false } },
      { selector: 'h6', options: { uppercase: false } },
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
    ],
  }).replace(/\n{3,}/g, '\n\n').trim();
}

export async function csvText(bytes: Buffer): Promise<string> {
  const text = await decodeText(bytes);
  const ExcelJS = (await import('exceljs')).default;
  const workbook = new ExcelJS.Workbook();
  let sheet;
  try {
    sheet = await workbook.csv.read(Readable.from([text]), { parserOptions: { delimiter: guessDelimiter(text) } } as never);
  } catch (err) {
    throw new ExtractError(`not a readable CSV (${(err as Error).message})`);
  }
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => { cells[col - 1] = cell.text ?? ''; });
    rows.push(Array.from(cells, (c) => c ?? ''));
  });
  return tableText(rows);
}

/** Comma, semicolon or tab: whichever the first line has most of. */
function guessDelimiter(text: string): string {
  const first = text.slice(0, text.indexOf('\n') >>> 0 || 4096);
  const counts = [',', ';', '\t'].map((d) => [d, first.split(d).length] as const);
  return counts.sort((a, b) => b[1] - a[1])[0]![0];
}
