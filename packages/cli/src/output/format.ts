/**
 * docker's formatter `Context.Write`: one `--format` value renders rows as a table (`table …`, with
 * the header from the same template), as JSON lines (`json`) or through a custom Go template. Commands
 * resolve their defaults (`table {{.ID}}\t…`, `{{.ID}}` for `-q`) and hand the rows here.
 */
import { goJson } from './go-json.ts';
import { alignColumns, TABLE_LAYOUT } from './tabwriter.ts';
import { HEADER_FUNCTIONS, parseTemplate, type Template, TemplateError } from './template.ts';

export const TABLE_FORMAT_KEY = 'table';
export const JSON_FORMAT_KEY = 'json';

export function isTableFormat(format: string): boolean {
  return format.startsWith(TABLE_FORMAT_KEY);
}

/**
 * The template text a format runs: `table` stripped, `json` as `{{json .}}`, outer spaces trimmed and
 * the two-character escapes `\t` and `\n` turned into tab and newline (so shells need no $'…').
 */
export function templateSource(format: string): string {
  let source = format;
  if (isTableFormat(format)) source = format.slice(TABLE_FORMAT_KEY.length);
  else if (format === JSON_FORMAT_KEY) source = '{{json .}}';
  return source
    .replace(/^ +| +$/g, '')
    .replaceAll('\\t', '\t')
    .replaceAll('\\n', '\n');
}

/** Parses a format's template; errors read as docker's (`template parsing error: template: :1: …`). */
export function compileFormat(format: string): Template {
  try {
    return parseTemplate(templateSource(format));
  } catch (err) {
    throw new FormatError(`template parsing error: ${(err as Error).message}`);
  }
}

/** A `--format` that does not parse or fails on a row; commands exit 1 with it, as docker does. */
export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}

/**
 * Renders `rows` (formatter contexts, see formatters/) with `format`. `header` maps each field to its
 * column title (`{ ID: 'CONTAINER ID', … }`); it is used only for `table` formats.
 */
export function renderRows(format: string, rows: readonly unknown[], header: object): string {
  const template = compileFormat(format);
  const body = rows
    .map((row) => {
      try {
        return `${template.execute(row)}\n`;
      } catch (err) {
        if (err instanceof TemplateError) throw new FormatError(`template parsing error: ${err.message}`);
        throw err;
      }
    })
    .join('');
  if (!isTableFormat(format)) return body;
  let title: string;
  try {
    title = template.execute(header, HEADER_FUNCTIONS);
  } catch {
    // docker ignores a header the template cannot render and prints the rows under an empty line.
    title = '';
  }
  return alignColumns(`${title}\n${body}`, TABLE_LAYOUT);
}

/** docker's SubHeaderContext: the titles, plus `Label` naming a `{{.Label "com.x.y"}}` column `y`. */
export function headerContext(titles: Readonly<Record<string, string>>): object {
  return {
    ...titles,
    Label: (name: string) => (name.split('.').pop() ?? name).replace(/[-_]/g, ' '),
  };
}

/** `inspect`'s default output: a JSON array, four-space indent (`<`, `>`, `&` as they are, as docker prints them). */
export function inspectJson(items: readonly unknown[]): string {
  return `${goJson(items, { escapeHtml: false, indent: '    ' })}\n`;
}
