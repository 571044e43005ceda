/** Rows of cells as text: one line per row, cells separated by tabs (their own tabs and line breaks flattened). */
export function tableText(rows: string[][]): string {
  return rows.map((cells) => cells.map((c) => c.replace(/[\t\r\n]+/g, ' ').trim()).join('\t').replace(/\t+$/, '')).join('\n');
}
