/**
 * The chunking of source texts (src/vectors/chunking.ts, docs/ai.md "Chunks"): a pure
 * function, tested on its own: offsets always index the text exactly, pages come from
 * form feeds, neighbours overlap, no chunk is empty or longer than the size, and a long
 * unbroken text is still cut.
 */
import { describe, expect, it } from 'vitest';
import { chunkText, type Chunk } from '../src/vectors/chunking.js';

const sentence = (i: number) => `Sentence number ${i} talks about topic ${i % 7} in a few plain words.`;
const paragraphs = (n: number, per: number) =>
  Array.from({ length: n }, (_, p) => Array.from({ length: per }, (_, s) => sentence(p * per + s)).join(' ')).join('\n\n');

function checkInvariants(text: string, chunks: Chunk[], size: number): void {
  expect(chunks.length).toBeGreaterThan(0);
  for (const c of chunks) {
    expect(text.slice(c.start, c.end)).toBe(c.text);
    expect(c.text.trim()).not.toBe('');
    expect(c.end - c.start).toBeLessThanOrEqual(size);
  }
  // In order, each reaching further than the one before, and together covering every non-blank character.
  for (let i = 1; i < chunks.length; i++) {
    expect(chunks[i]!.start).toBeGreaterThan(chunks[i - 1]!.start);
    expect(chunks[i]!.end).toBeGreaterThan(chunks[i - 1]!.end);
  }
  const covered = new Array<boolean>(text.length).fill(false);
  for (const c of chunks) for (let i = c.start; i < c.end; i++) covered[i] = true;
  for (let i = 0; i < text.length; i++) if (!/\s/.test(text[i]!)) expect(covered[i], `offset ${i}`).toBe(true);
}

describe('chunkText', () => {
  it('keeps a text no longer than the size whole, as one chunk, without a page', () => {
    expect(chunkText('  A short note.\n', 100, 10)).toEqual([{ text: '  A short note.\n', start: 0, end: 16, page: null }]);
    expect(chunkText('   \n\t ', 100, 10)).toEqual([]);
    expect(chunkText('', 100, 10)).toEqual([]);
  });

  it('cuts a long text at sentence ends, with offsets that index the text exactly', () => {
    const text = paragraphs(6, 8);
    const chunks = chunkText(text, 300, 80);
    checkInvariants(text, chunks, 300);
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) {
      expect(c.text).toMatch(/^Sentence number \d+/);
      expect(c.text).toMatch(/words\.$/);
      expect(c.page).toBeNull();
    }
  });

  it('repeats up to the overlap between neighbours, and nothing with no overlap', () => {
    const text = paragraphs(1, 40);
    const withOverlap = chunkText(text, 400, 150);
    checkInvariants(text, withOverlap, 400);
    for (let i = 1; i < withOverlap.length; i++) {
      const shared = withOverlap[i - 1]!.end - withOverlap[i]!.start;
      expect(shared).toBeGreaterThan(0);
      expect(shared).toBeLessThanOrEqual(150);
    }
    const without = chunkText(text, 400, 0);
    checkInvariants(text, without, 400);
    for (let i = 1; i < without.length; i++) expect(without[i]!.start).toBeGreaterThan(without[i - 1]!.end);
  });

  it('prefers to end a chunk at a paragraph once it is half full', () => {
    const text = paragraphs(4, 5); // paragraphs of ~350 characters
    const chunks = chunkText(text, 500, 0);
    checkInvariants(text, chunks, 500);
    for (const c of chunks) expect(text.slice(c.end, c.end + 2) === '\n\n' || c.end === text.length).toBe(true);
  });

  it('numbers pages from form feeds: the page of a chunk is where it starts', () => {
    const pages = [paragraphs(2, 4), paragraphs(2, 4), paragraphs(1, 3)];
    const text = pages.join('\f');
    const chunks = chunkText(text, 250, 50);
    checkInvariants(text, chunks, 250);
    for (const c of chunks) expect(c.page).toBe(text.slice(0, c.start).split('\f').length);
    expect(new Set(chunks.map((c) => c.page))).toEqual(new Set([1, 2, 3]));
    // A short text with a page break is still one chunk, on page 1.
    expect(chunkText('one\ftwo', 100, 0)).toEqual([{ text: 'one\ftwo', start: 0, end: 7, page: 1 }]);
  });

  it('cuts a sentence longer than the size at spaces, and a word longer than the size where it must', () => {
    const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const byWords = chunkText(long, 120, 30);
    checkInvariants(long, byWords, 120);
    for (const c of byWords) expect(c.text).toMatch(/^word\d+( word\d+)*$/);

    const unbroken = 'x'.repeat(1050);
    const cut = chunkText(unbroken, 100, 20);
    checkInvariants(unbroken, cut, 100);
    expect(cut.map((c) => c.end - c.start)).toEqual([...new Array(10).fill(100), 50]);
  });
});
