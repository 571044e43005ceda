/**
 * Text out of the XML parts of office documents (PPTX slides, ODT/ODS/ODP content),
 * parsed with fast-xml-parser in document order; entities other than XML's five are
 * never expanded (the DTD is refused before, zip-entries.ts). Which elements hold text,
 * end a paragraph, or stand for a tab or a line break is the format's own vocabulary.
 */
import { XMLParser } from 'fast-xml-parser';

export interface XmlVocabulary {
  /** Elements whose text is kept (null: text anywhere). */
  text: Set<string> | null;
  /** Elements after which a line ends. */
  paragraph: Set<string>;
  /** Elements that stand for a tab. */
  tab: Set<string>;
  /** Elements that stand for a line break. */
  lineBreak: Set<string>;
  /** `text:s` (ODF): a run of spaces, `text:c` of them. */
  spaces?: string;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: true,
  htmlEntities: false,
  trimValues: false,
  parseTagValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type Node = Record<string, unknown>;

export function xmlText(xml: Buffer | string, vocabulary: XmlVocabulary): string {
  const tree = parser.parse(typeof xml === 'string' ? xml : xml.toString('utf8')) as Node[];
  const out: string[] = [];
  walk(tree, vocabulary, vocabulary.text === null, out);
  return out.join('').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

function walk(nodes: Node[], v: XmlVocabulary, inText: boolean, out: string[]): void {
  for (const node of nodes) {
    for (const [key, value] of Object.entries(node)) {
      if (key === ':@') continue;
      if (key === '#text') {
        if (inText) out.push(String(value));
        continue;
      }
      if (v.tab.has(key)) { out.push('\t'); continue; }
      if (v.lineBreak.has(key)) { out.push('\n'); continue; }
      if (v.spaces && key === v.spaces) {
        const attrs = (node[':@'] ?? {}) as Record<string, string>;
        out.push(' '.repeat(Math.min(Number(attrs['text:c'] ?? 1) || 1, 100)));
        continue;
      }
      if (Array.isArray(value)) walk(value as Node[], v, inText || (v.text?.has(key) ?? true), out);
      if (v.paragraph.has(key)) out.push('\n');
    }
  }
}
