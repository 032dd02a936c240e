/** Build arguments as KEY = value rows: add, edit, remove. */
import { Button } from '../../ui/controls.tsx';

export interface BuildArg {
  readonly name: string;
  readonly value: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The rows as the build route's `buildargs` object (rows without a name are left out); throws
 * naming the row when a name is not a valid argument name or is given twice.
 */
export function buildArgsOf(rows: readonly BuildArg[]): Record<string, string> | undefined {
  const args: Record<string, string> = {};
  for (const [index, row] of rows.entries()) {
    const name = row.name.trim();
    if (!name) continue;
    if (!NAME.test(name))
      throw new Error(
        `build argument ${index + 1}: "${name}" is not a name — use letters, digits and _ (not first a digit)`,
      );
    if (name in args) throw new Error(`build argument ${index + 1}: "${name}" is given twice`);
    args[name] = row.value;
  }
  return Object.keys(args).length > 0 ? args : undefined;
}

export function BuildArgRows({
  rows,
  onChange,
}: {
  rows: readonly BuildArg[];
  onChange: (rows: readonly BuildArg[]) => void;
}) {
  const edit = (index: number, change: Partial<BuildArg>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...change } : row)));
  return (
    <fieldset className="build-args">
      <legend>Build arguments</legend>
      {rows.map((row, index) => (
        // Rows have no identity but their place; editing never reorders them.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <div className="build-arg" key={index}>
          <input
            aria-label={`build argument ${index + 1} name`}
            placeholder="NAME"
            value={row.name}
            onChange={(event) => edit(index, { name: event.target.value })}
          />
          <span aria-hidden="true">=</span>
          <input
            aria-label={`build argument ${index + 1} value`}
            placeholder="value"
            value={row.value}
            onChange={(event) => edit(index, { value: event.target.value })}
          />
          <Button
            aria-label={`remove build argument ${index + 1}`}
            onClick={() => onChange(rows.filter((_, at) => at !== index))}
          >
            ✕
          </Button>
        </div>
      ))}
      <Button onClick={() => onChange([...rows, { name: '', value: '' }])}>Add build argument</Button>
    </fieldset>
  );
}
