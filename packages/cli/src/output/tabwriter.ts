/**
 * Go's text/tabwriter (elastic tabstops) as docker's fork of it runs: tab-terminated cells in
 * contiguous lines form a column, padded to the widest cell plus `padding` and at least `minWidth`;
 * the text after a line's last tab is not part of a column. Widths count terminal columns.
 * docker's tables use minWidth 10, padding 3; `docker version` uses minWidth 20, padding 1.
 */
import { displayWidth } from './units.ts';

export interface TabwriterOptions {
  /** Minimal cell width, padding included. */
  readonly minWidth: number;
  /** Spaces added to the widest cell of a column. */
  readonly padding: number;
}

/** docker's table writer: `tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)`. */
export const TABLE_LAYOUT: TabwriterOptions = { minWidth: 10, padding: 3 };

export function alignColumns(text: string, options: TabwriterOptions): string {
  const lines = text.split('\n').map((line) => line.split('\t'));
  const widths = lines.map((cells) => cells.map(displayWidth));
  const out: string[] = [];
  const columnWidths: number[] = [];

  const writeLines = (from: number, to: number) => {
    for (let row = from; row < to; row++) {
      const cells = lines[row] as string[];
      cells.forEach((cell, column) => {
        out.push(cell);
        const width = columnWidths[column];
        if (width !== undefined) out.push(' '.repeat(width - (widths[row]?.[column] ?? 0)));
      });
      // The last line is what followed the final newline: no newline after it.
      if (row + 1 < lines.length) out.push('\n');
    }
  };

  const format = (from: number, to: number) => {
    const column = columnWidths.length;
    let start = from;
    for (let row = from; row < to; row++) {
      if (column >= (lines[row] as string[]).length - 1) continue;
      // A block of lines having a cell in this column starts here.
      writeLines(start, row);
      start = row;
      let width = options.minWidth;
      for (; row < to; row++) {
        if (column >= (lines[row] as string[]).length - 1) break;
        width = Math.max(width, (widths[row]?.[column] ?? 0) + options.padding);
      }
      columnWidths.push(width);
      format(start, row);
      columnWidths.pop();
      start = row;
    }
    writeLines(start, to);
  };

  format(0, lines.length);
  return out.join('');
}
