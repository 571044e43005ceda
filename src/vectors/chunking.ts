/**
 * Chunking of a source text for embedding (docs/ai.md, "Chunks"): a pure function
 * that cuts a text into pieces of at most `size` characters, preferring paragraph
 * ends, then sentence ends, then spaces (a word longer than `size` is cut where it
 * must), with about `overlap` characters repeated between neighbours so a passage cut
 * in two is still found whole in one of them. Every chunk keeps its offsets into the
 * text (`text.slice(start, end) === chunk.text`, always) and its page: pages are
 * separated by form feeds ("\f", as text extraction writes them), so the page is the
 * count of "\f" before the chunk's start plus one, or null when the text has none.
 * A text no longer than `size` is one chunk, the whole text (as embedded before
 * chunking existed, so short texts keep their vectors).
 */

export interface Chunk {
  text: string;
  start: number;
  end: number;
  /** 1-based page, null when the text has no page breaks. */
  page: number | null;
}

export const DEFAULT_CHUNK_SIZE = 1000;
export const DEFAULT_CHUNK_OVERLAP = 150;
export const MIN_CHUNK_SIZE = 100;
export const MAX_CHUNK_SIZE = 8000;

/** A unit the chunks are packed from: a sentence, or a word of a sentence too long for one chunk. */
interface Piece { start: number; end: number; paragraph: boolean }

// Paragraphs: a blank line or a page break ends one.
const PARAGRAPH_BREAK = /\n[ \t\r]*\n\s*|\f\s*/g;
// Sentences: after . ! ? … (and closing quotes/brackets) followed by white space, or at a line break.
const SENTENCE_BREAK = /([.!?\u2026]+["'\u201d\u2019)\]]*)\s+|\s*\n\s*/g;

/** [start, end) ranges of `text` between the matches of `re`, trimmed, empty ones left out. */
function ranges(text: string, from: number, to: number, re: RegExp, keep = (_m: RegExpExecArray) => 0): [number, number][] {
  const out: [number, number][] = [];
  const slice = text.slice(from, to);
  let at = 0;
  re.lastIndex = 0;
  for (let m = re.exec(slice); m; m = re.exec(slice)) {
    if (m[0].length === 0) { re.lastIndex++; continue; }
    out.push([from + at, from + m.index + keep(m)]);
    at = m.index + m[0].length;
  }
  out.push([from + at, to]);
  return out.map(([s, e]) => trim(text, s, e)).filter(([s, e]) => e > s);
}

function trim(text: string, start: number, end: number): [number, number] {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return [start, end];
}

/** The pieces of a text: sentences of each paragraph; words (or hard cuts) of a sentence longer than size. */
function pieces(text: string, size: number): Piece[] {
  const out: Piece[] = [];
  for (const [ps, pe] of ranges(text, 0, text.length, PARAGRAPH_BREAK)) {
    let first = true;
    for (const [ss, se] of ranges(text, ps, pe, SENTENCE_BREAK, (m) => m[1]?.length ?? 0)) {
      const units = se - ss <= size ? [[ss, se] as [number, number]] : ranges(text, ss, se, /\s+/g).flatMap(([ws, we]) => {
        const cut: [number, number][] = [];
        for (let s = ws; s < we; s += size) cut.push([s, Math.min(we, s + size)]);
        return cut;
      });
      for (const [s, e] of units) {
        out.push({ start: s, end: e, paragraph: first });
        first = false;
      }
    }
  }
  return out;
}

/** The chunks of `text` (none for a blank text). size ≥ 1; overlap is kept below size. */
export function chunkText(text: string, size = DEFAULT_CHUNK_SIZE, overlap = DEFAULT_CHUNK_OVERLAP): Chunk[] {
  const hasPages = text.includes('\f');
  const pageAt = (offset: number): number | null => {
    if (!hasPages) return null;
    let n = 1;
    for (let i = text.indexOf('\f'); i !== -1 && i < offset; i = text.indexOf('\f', i + 1)) n++;
    return n;
  };
  const chunk = (start: number, end: number): Chunk => ({ text: text.slice(start, end), start, end, page: pageAt(start) });
  if (text.trim() === '') return [];
  if (text.length <= size) return [chunk(0, text.length)];
  overlap = Math.max(0, Math.min(overlap, Math.floor(size / 2)));

  const list = pieces(text, size);
  const out: Chunk[] = [];
  for (let i = 0; i < list.length;) {
    const start = list[i]!.start;
    let j = i;
    while (j + 1 < list.length && list[j + 1]!.end - start <= size) {
      // A paragraph (or page) starting once the chunk is half full ends the chunk there.
      if (list[j + 1]!.paragraph && list[j]!.end - start >= size / 2) break;
      j++;
    }
    const end = list[j]!.end;
    out.push(chunk(start, end));
    if (j + 1 >= list.length) break;
    // The next chunk repeats the last pieces that fit in the overlap (never starting where this one did).
    let next = j + 1;
    while (next - 1 > i && end - list[next - 1]!.start <= overlap) next--;
    // ... but only as much of it as leaves room for the next piece, so every chunk reaches further.
    while (next <= j && list[j + 1]!.end - list[next]!.start > size) next++;
    i = next;
  }
  return out;
}
