/**
 * PDF: the text layer through pdf.js (unpdf's serverless build, which runs on Node 20
 * without a canvas), page by page up to the page cap. Pages are separated by a form feed
 * ("\f", as pdftotext does), so page boundaries survive in the stored text. An encrypted
 * PDF that needs a password and a file pdf.js cannot parse end as ExtractErrors.
 */
import { ExtractError, type ExtractLimits } from './limits.js';

export const PAGE_BREAK = '\f';

interface TextItem { str?: string; hasEOL?: boolean }

export async function pdfText(bytes: Buffer, limits: ExtractLimits): Promise<{ text: string; pages: number }> {
  const { getDocumentProxy } = await import('unpdf');
  let doc: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // A copy: pdf.js transfers (detaches) the buffer it is given.
    doc = await getDocumentProxy(new Uint8Array(bytes), { isEvalSupported: false, stopAtErrors: false, verbosity: 0 });
  } catch (err) {
    const name = (err as Error)?.name;
    if (name === 'PasswordException') throw new ExtractError('the PDF is encrypted (it needs a password)');
    throw new ExtractError(`not a readable PDF (${(err as Error)?.message ?? String(err)})`);
  }
  try {
    const pages: string[] = [];
    const count = Math.min(doc.numPages, limits.maxPages);
    for (let n = 1; n <= count; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      pages.push((content.items as TextItem[]).map((i) => (i.str ?? '') + (i.hasEOL ? '\n' : '')).join('').trim());
      page.cleanup();
    }
    let text = pages.join(`\n${PAGE_BREAK}`);
    if (doc.numPages > count) text += `\n${PAGE_BREAK}[${doc.numPages - count} more pages not extracted: the limit is ${limits.maxPages}]`;
    return { text, pages: count };
  } catch (err) {
    if (err instanceof ExtractError) throw err;
    throw new ExtractError(`the PDF is damaged (${(err as Error)?.message ?? String(err)})`);
  } finally {
    await doc.destroy().catch(() => {});
  }
}
