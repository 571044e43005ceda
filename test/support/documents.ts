/**
 * Documents for the extraction tests, generated here (no binary fixtures): PDFs with
 * pdf-lib (and by hand where pdf-lib cannot: an encrypted and a malformed one), the
 * zip-based office formats written part by part with yazl, XLSX with exceljs, an image
 * of text with sharp, and the hostile files (a zip bomb, billion laughs in a DOCX).
 */
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import yazl from 'yazl';
import sharp from 'sharp';
import ExcelJS from 'exceljs';
import { PDFDocument, StandardFonts } from 'pdf-lib';

type Part = string | Buffer | { zeros: number };

/** A zip of these parts (a { zeros } part streams that many zero bytes, compressed). */
export function zip(parts: Record<string, Part>): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const [name, part] of Object.entries(parts)) {
    if (typeof part === 'object' && 'zeros' in part) z.addReadStream(zeroStream(part.zeros), name);
    else z.addBuffer(Buffer.from(part), name);
  }
  z.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    z.outputStream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

function zeroStream(total: number): Readable {
  const chunk = Buffer.alloc(1024 * 1024);
  let left = total;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

/** A PDF with one page per entry, each line drawn from the top. */
export async function pdf(pages: string[][]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([400, 600]);
    lines.forEach((line, i) => page.drawText(line, { x: 40, y: 550 - i * 24, size: 14, font }));
  }
  return Buffer.from(await doc.save());
}

/** A PDF that needs a user password (Standard security handler, with an /U no empty password matches). */
export function encryptedPdf(): Buffer {
  const hex = (n: number) => randomBytes(n).toString('hex');
  const objects = [
    '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n',
    '2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n',
    '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 5 0 R >>\nendobj\n',
    `4 0 obj\n<< /Filter /Standard /V 1 /R 2 /Length 40 /O <${hex(32)}> /U <${hex(32)}> /P -4 >>\nendobj\n`,
    '5 0 obj\n<< /Length 12 >>\nstream\nxxxxxxxxxxxx\nendstream\nendobj\n',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (const o of objects) { offsets.push(body.length); body += o; }
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${hex(16)}> <${hex(16)}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** Starts like a PDF, then nothing pdf.js can make sense of. */
export const malformedPdf = () => Buffer.concat([Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R'), randomBytes(2048)]);

const CONTENT_TYPES = (main: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${main}</Types>`;
const ROOT_RELS = (target: string, type: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
  `<Relationship Id="rId1" Type="${type}" Target="${target}"/></Relationships>`;
const OFFICE_DOC = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument';
const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/** A DOCX with one paragraph per entry (documentXml replaces the whole body when given). */
export function docx(paragraphs: string[], documentXml?: string): Promise<Buffer> {
  const xml = documentXml ?? `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="${W}"><w:body>` +
    paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${p}</w:t></w:r></w:p>`).join('') + '</w:body></w:document>';
  return zip({
    '[Content_Types].xml': CONTENT_TYPES('<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'),
    '_rels/.rels': ROOT_RELS('word/document.xml', OFFICE_DOC),
    'word/document.xml': xml,
  });
}

/** The billion laughs: ten levels of entities, each ten of the one below, in word/document.xml. */
export function billionLaughsDocx(): Promise<Buffer> {
  const levels = ['<!ENTITY lol0 "lol">'];
  for (let i = 1; i < 10; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  const xml = `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [${levels.join('')}]>` +
    `<w:document xmlns:w="${W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>`;
  return docx([], xml);
}

/** A DOCX whose document part unpacks to `bytes` zero bytes (a few hundred KiB packed). */
export function zipBombDocx(bytes: number): Promise<Buffer> {
  return zip({
    '[Content_Types].xml': CONTENT_TYPES(''),
    '_rels/.rels': ROOT_RELS('word/document.xml', OFFICE_DOC),
    'word/document.xml': { zeros: bytes },
  });
}

/** A PPTX with one slide per entry (lines as paragraphs). */
export function pptx(slides: string[][]): Promise<Buffer> {
  const A = 'http://schemas.openxmlformats.org/drawingml/2006/main';
  const P = 'http://schemas.openxmlformats.org/presentationml/2006/main';
  const parts: Record<string, string> = {
    '[Content_Types].xml': CONTENT_TYPES(''),
    '_rels/.rels': ROOT_RELS('ppt/presentation.xml', OFFICE_DOC),
    'ppt/presentation.xml': `<p:presentation xmlns:p="${P}"/>`,
  };
  slides.forEach((lines, i) => {
    parts[`ppt/slides/slide${i + 1}.xml`] = `<?xml version="1.0" encoding="UTF-8"?><p:sld xmlns:a="${A}" xmlns:p="${P}"><p:cSld><p:spTree><p:sp><p:txBody>` +
      lines.map((l) => `<a:p><a:r><a:t>${l}</a:t></a:r></a:p>`).join('') + '</p:txBody></p:sp></p:spTree></p:cSld></p:sld>';
  });
  return zip(parts);
}

/** An ODT with a heading and paragraphs. */
export function odt(heading: string, paragraphs: string[]): Promise<Buffer> {
  const content = '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ' +
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>' +
    `<text:h text:outline-level="1">${heading}</text:h>` + paragraphs.map((p) => `<text:p>${p}</text:p>`).join('') +
    '</office:text></office:body></office:document-content>';
  return zip({ mimetype: 'application/vnd.oasis.opendocument.text', 'content.xml': content });
}

/** An XLSX with these sheets of rows. */
export async function xlsx(sheets: Record<string, (string | number)[][]>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) wb.addWorksheet(name).addRows(rows);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A PNG of black text lines on white (for OCR). */
export function textImage(lines: string[]): Promise<Buffer> {
  const width = 1200;
  const height = 80 + lines.length * 70;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>` +
    lines.map((l, i) => `<text x="40" y="${80 + i * 70}" font-family="DejaVu Sans, sans-serif" font-size="44" fill="#000">${l}</text>`).join('') + '</svg>';
  return sharp(Buffer.from(svg)).png().toBuffer();
}
