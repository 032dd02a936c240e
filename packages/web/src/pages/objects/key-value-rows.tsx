/**
 * Editable KEY / value rows (labels, driver options, environment): every input labelled with its
 * row ("Label 1 key"), a row added or removed by button, empty keys ignored on submit.
 */
import { Button } from '../../ui/controls.tsx';

export interface Pair {
  readonly key: string;
  readonly value: string;
}

export const NO_PAIRS: readonly Pair[] = [];

/** The rows with a key, as an object (the later of two equal keys wins). */
export function pairsToRecord(pairs: readonly Pair[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const { key, value } of pairs) if (key.trim()) record[key.trim()] = value;
  return record;
}

/** The rows with a key, as `KEY=value` strings (container environment). */
export function pairsToEnv(pairs: readonly Pair[]): string[] {
  return pairs.filter(({ key }) => key.trim()).map(({ key, value }) => `${key.trim()}=${value}`);
}

/** `KEY=value` strings back into rows (a value may hold `=`). */
export function envToPairs(env: readonly string[] | undefined): Pair[] {
  return (env ?? []).map((entry) => {
    const at = entry.indexOf('=');
    return at < 0 ? { key: entry, value: '' } : { key: entry.slice(0, at), value: entry.slice(at + 1) };
  });
}

export function KeyValueRows({
  noun,
  title,
  pairs,
  onChange,
  keyHint = 'key',
  valueHint = 'value',
}: {
  /** Singular, capitalised: "Label", "Option", "Variable". */
  noun: string;
  title: string;
  pairs: readonly Pair[];
  onChange: (pairs: readonly Pair[]) => void;
  keyHint?: string;
  valueHint?: string;
}) {
  const set = (index: number, change: Partial<Pair>) =>
    onChange(pairs.map((pair, at) => (at === index ? { ...pair, ...change } : pair)));
  return (
    <fieldset className="kv-rows">
      <legend>{title}</legend>
      {pairs.map((pair, index) => (
        // Rows have no identity of their own; the position is what the labels name too.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <div className="kv-row" key={index}>
          <input
            aria-label={`${noun} ${index + 1} key`}
            placeholder={keyHint}
            value={pair.key}
            onChange={(event) => set(index, { key: event.target.value })}
          />
          <input
            aria-label={`${noun} ${index + 1} value`}
            placeholder={valueHint}
            value={pair.value}
            onChange={(event) => set(index, { value: event.target.value })}
          />
          <Button
            aria-label={`Remove ${noun.toLowerCase()} ${index + 1}`}
            onClick={() => onChange(pairs.filter((_, at) => at !== index))}
          >
            ✕
          </Button>
        </div>
      ))}
      <Button onClick={() => onChange([...pairs, { key: '', value: '' }])}>Add {noun.toLowerCase()}</Button>
    </fieldset>
  );
}
