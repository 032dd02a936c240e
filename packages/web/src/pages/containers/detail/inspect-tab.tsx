/**
 * The Inspect tab: the daemon's inspect answer as a collapsible tree (objects and arrays fold;
 * the first level starts open), with a copy of the whole JSON.
 */
import type { ContainerInspectResponse } from '@gantry/engine';
import { Button } from '../../../ui/controls.tsx';
import { useFeedback } from '../../../ui/feedback.tsx';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function Leaf({ value }: { value: Json }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === 'string') return <span className="json-string">{JSON.stringify(value)}</span>;
  return <span className="json-literal">{String(value)}</span>;
}

function JsonNode({ name, value, depth }: { name: string; value: Json; depth: number }) {
  if (value === null || typeof value !== 'object')
    return (
      <div className="json-row">
        <span className="json-key">{name}:</span> <Leaf value={value} />
      </div>
    );
  const entries: [string, Json][] = Array.isArray(value)
    ? value.map((item, index) => [String(index), item])
    : Object.entries(value);
  const brackets = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0)
    return (
      <div className="json-row">
        <span className="json-key">{name}:</span> {brackets.join('')}
      </div>
    );
  return (
    <details className="json-node" open={depth < 1}>
      <summary>
        <span className="json-key">{name}:</span>{' '}
        <span className="muted">
          {brackets[0]} {entries.length} {Array.isArray(value) ? 'items' : 'keys'} {brackets[1]}
        </span>
      </summary>
      <div className="json-children">
        {entries.map(([key, child]) => (
          <JsonNode key={key} name={key} value={child} depth={depth + 1} />
        ))}
      </div>
    </details>
  );
}

/** Copies with the Clipboard API, else through a selected textarea (plain-http consoles lack the API). */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const area = document.createElement('textarea');
  area.value = text;
  document.body.append(area);
  area.select();
  const copied = document.execCommand('copy');
  area.remove();
  if (!copied) throw new Error('the browser refused to copy; select the text and copy it by hand');
}

export function InspectTab({ inspect }: { inspect: ContainerInspectResponse }) {
  const feedback = useFeedback();
  const json = inspect as unknown as { [key: string]: Json };
  const copy = () =>
    copyText(JSON.stringify(inspect, null, 2)).then(
      () => feedback.notify('Inspect JSON copied'),
      (error: unknown) => feedback.fail(error, 'Copy'),
    );
  return (
    <div className="inspect-tab">
      <div className="toolbar">
        <Button onClick={copy}>Copy JSON</Button>
      </div>
      <section className="json-tree mono" aria-label="Inspect JSON">
        {Object.entries(json).map(([key, value]) => (
          <JsonNode key={key} name={key} value={value} depth={0} />
        ))}
      </section>
    </div>
  );
}
