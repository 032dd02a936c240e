/**
 * An editable list of rows (environment, ports, mounts, labels): one input per column, every input
 * labelled "<column> <row number>" for screen readers and tests, add and remove buttons.
 */
import type { CSSProperties } from 'react';
import { Button } from '../../ui/controls.tsx';

type RowValue = string | boolean;

export interface RowColumn<R> {
  readonly key: keyof R & string;
  readonly label: string;
  /** CSS grid track. */
  readonly width?: string;
  readonly placeholder?: string;
  /** A select of these values (a string column) instead of a text input. */
  readonly options?: readonly string[];
  readonly numeric?: boolean;
}

export function RowsEditor<R extends { [K in keyof R]: RowValue }>({
  noun,
  rows,
  columns,
  blank,
  onChange,
}: {
  /** "variable", "port": names the add / remove buttons. */
  noun: string;
  rows: readonly R[];
  columns: readonly RowColumn<R>[];
  blank: R;
  onChange: (rows: R[]) => void;
}) {
  // The last track holds the remove button; a fixed width keeps the header row aligned with the rows.
  const template = { '--rows-columns': `${columns.map((c) => c.width ?? '1fr').join(' ')} 2.5rem` };
  const update = (index: number, key: keyof R & string, value: RowValue) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, [key]: value } : row)));
  return (
    <div className="rows-editor">
      {rows.length ? (
        <div
          className="rows-editor-row rows-editor-head"
          style={template as CSSProperties}
          aria-hidden="true"
        >
          {columns.map((column) => (
            <span key={column.key}>{typeof blank[column.key] === 'boolean' ? '' : column.label}</span>
          ))}
          <span />
        </div>
      ) : null}
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity besides their position
        <div key={index} className="rows-editor-row" style={template as CSSProperties}>
          {columns.map((column) => {
            const label = `${column.label} ${index + 1}`;
            const value = row[column.key];
            if (typeof value === 'boolean')
              return (
                <label key={column.key} className="rows-editor-check">
                  <input
                    type="checkbox"
                    checked={value}
                    onChange={(event) => update(index, column.key, event.target.checked)}
                  />
                  {column.label}
                  <span className="visually-hidden"> {index + 1}</span>
                </label>
              );
            if (column.options)
              return (
                <select
                  key={column.key}
                  aria-label={label}
                  value={value}
                  onChange={(event) => update(index, column.key, event.target.value)}
                >
                  {column.options.map((option) => (
                    <option key={option}>{option}</option>
                  ))}
                </select>
              );
            return (
              <input
                key={column.key}
                aria-label={label}
                placeholder={column.placeholder}
                inputMode={column.numeric ? 'numeric' : undefined}
                value={value}
                onChange={(event) => update(index, column.key, event.target.value)}
              />
            );
          })}
          <Button
            aria-label={`Remove ${noun} ${index + 1}`}
            onClick={() => onChange(rows.filter((_, at) => at !== index))}
          >
            ✕
          </Button>
        </div>
      ))}
      <div>
        <Button onClick={() => onChange([...rows, { ...blank }])}>Add {noun}</Button>
      </div>
    </div>
  );
}
