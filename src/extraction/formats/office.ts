/**
 * Zip-based office documents, each read from entries unpacked under the caps
 * (zip-entries.ts): DOCX through mammoth (its raw text: paragraphs on lines), PPTX
 * slides and ODF (ODT, ODP, ODS) content through the XML walker, XLSX through exceljs
 * as tables of text (a "## Sheet" heading, then one line per row, cells separated by
 * tabs).
 */
import { readZip } from './zip-entries.js';
import { xmlText } from './xml-text.js';
import { ExtractError, type ExtractLimits } from './limits.js';
import { tableText } from './table-text.js';

export async function docxText(bytes: Buffer, limits: ExtractLimits): Promise<string> {
  await readZip(bytes, limits, (name) => /\.xml$|\.rels$/i.test(name)); // the caps and the DTD check, before mammoth unpacks it
  const mammoth = (await import('mammoth')).default;
  try {
    const result = await mammoth.extractRawText({ buffer: bytes });
    return result.value.replace(/\n{3,}/g, '\n\n').trim();
  } catch (err) {
    throw new ExtractError(`not a readable DOCX (${(err as Error).message})`);
  }
}

const slideNumber = (name: string) => Number(/slide(\d+)\.xml$/.exec(name)?.[1] ?? 0);

export async function pptxText(bytes: Buffer, limits: ExtractLimits): Promise<string> {
  const entries = await readZip(bytes, limits, (name) => /^ppt\/slides\/slide\d+\.xml$/.test(name) || /\.rels$/.test(name));
  const slides = [...entries.keys()].filter((n) => n.startsWith('ppt/slides/')).sort((a, b) => slideNumber(a) - slideNumber(b));
  if (!slides.length) throw new ExtractError('not a PPTX presentation (no slides)');
  const vocabulary = { text: new Set(['a:t']), paragraph: new Set(['a:p']), tab: new Set(['a:tab']), lineBreak: new Set(['a:br']) };
  return slides.map((name) => `## Slide ${slideNumber(name)}\n${xmlText(entries.get(name)!, vocabulary)}`).join('\n\n');
}

export async function odfText(bytes: Buffer, limits: ExtractLimits): Promise<string> {
  const entries = await readZip(bytes, limits, (name) => name === 'content.xml' || name === 'mimetype' || /\.xml$/.test(name));
  const content = entries.get('content.xml');
  if (!content) throw new ExtractError('not an OpenDocument file (no content.xml)');
  return xmlText(content, {
    text: new Set(['office:body']),
    paragraph: new Set(['text:p', 'text:h', 'table:table-row', 'draw:page']),
    tab: new Set(['text:tab', 'table:table-cell']),
    lineBreak: new Set(['text:line-break']),
    spaces: 'text:s',
  });
}

export async function xlsxText(bytes: Buffer, limits: ExtractLimits): Promise<string> {
  await readZip(bytes, limits, (name) => /\.xml$|\.rels$/i.test(name));
  const ExcelJS = (await import('exceljs')).default;
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    throw new ExtractError(`not a readable XLSX (${(err as Error).message})`);
  }
  const sheets: string[] = [];
  workbook.eachSheet((sheet) => {
    const rows: string[][] = [];
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, col) => { cells[col - 1] = cell.text ?? ''; });
      rows.push(Array.from(cells, (c) => c ?? ''));
    });
    sheets.push(`## ${sheet.name}\n${tableText(rows)}`);
  });
  return sheets.join('\n\n');
}
