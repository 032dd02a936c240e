/**
 * Prune for the four kinds (containers, images, volumes, networks): the confirmation's body — an
 * optional label filter and the kind's own switches — and the request it ends in, whose toast says
 * how many objects went and the space the engine reclaimed.
 */
import type { EngineSummary } from '@gantry/server/api-types';
import { type ReactNode, useState } from 'react';
import { api, enginePath } from '../../api/client.ts';
import { formatBytes, TextField } from '../../ui/controls.tsx';
import type { ActionRequest } from './use-action.ts';

/** One switch of a kind's prune: checked, it adds `filter: [value]` to the engine filters. */
export interface PruneSwitch {
  readonly label: string;
  readonly filter: string;
  readonly value: string;
}

/** The answer of any prune: the engine names what it removed under a kind-specific key. */
interface PruneAnswer {
  readonly ContainersDeleted?: readonly string[] | null;
  readonly ImagesDeleted?: readonly { Untagged?: string; Deleted?: string }[] | null;
  readonly VolumesDeleted?: readonly string[] | null;
  readonly NetworksDeleted?: readonly string[] | null;
  /** Bytes; the engine leaves it out for networks. */
  readonly SpaceReclaimed?: number;
}

const KINDS = {
  containers: {
    singular: 'container',
    plural: 'containers',
    removed: (answer: PruneAnswer) => answer.ContainersDeleted?.length,
  },
  // Every untagged reference and deleted layer is one entry: the image ids deleted are the count.
  images: {
    singular: 'image',
    plural: 'images',
    removed: (answer: PruneAnswer) => answer.ImagesDeleted?.filter((entry) => entry.Deleted).length,
  },
  volumes: {
    singular: 'volume',
    plural: 'volumes',
    removed: (answer: PruneAnswer) => answer.VolumesDeleted?.length,
  },
  networks: {
    singular: 'network',
    plural: 'networks',
    removed: (answer: PruneAnswer) => answer.NetworksDeleted?.length,
  },
} as const;

export type PruneKind = keyof typeof KINDS;

/** The Engine API version `engine` speaks ("1.41"), when it is known: filters differ between versions. */
export function apiVersionOf(engines: readonly EngineSummary[], engine: string): string | undefined {
  return engines.find((item) => item.id === engine)?.status.apiVersion;
}

/** `key` or `key=value`; the key as Docker label keys are written (`com.example/team`). */
const LABEL_ENTRY = /^[A-Za-z0-9][\w./-]*(=.*)?$/;

/** The label filter typed: entries split on commas and spaces, and the ones that are no label. */
export function parseLabelFilter(text: string): { entries: string[]; malformed: string[] } {
  const words = text.split(/[\s,]+/).filter(Boolean);
  return {
    entries: words.filter((word) => LABEL_ENTRY.test(word)),
    malformed: words.filter((word) => !LABEL_ENTRY.test(word)),
  };
}

/**
 * What the dialog's inputs hold. The confirmation is rendered once from the request, so the inputs
 * write into this object and the final click reads it, rather than a page state the dialog never sees.
 */
interface PruneChoice {
  labels: string;
  switches: Set<string>;
}

function PruneOptions({
  intro,
  switches,
  choice,
}: {
  intro: ReactNode;
  switches: readonly PruneSwitch[];
  choice: PruneChoice;
}) {
  const [labels, setLabels] = useState('');
  const { malformed } = parseLabelFilter(labels);
  return (
    <div className="form">
      <p>{intro}</p>
      <TextField
        label="Only objects with label"
        placeholder="key or key=value, several separated by commas"
        value={labels}
        aria-invalid={malformed.length > 0}
        hint={
          malformed.length > 0 ? (
            <span role="alert">Not a label: {malformed.join(', ')}. Write key or key=value.</span>
          ) : (
            'Empty: no label narrows the prune.'
          )
        }
        onChange={(event) => {
          setLabels(event.target.value);
          choice.labels = event.target.value;
        }}
      />
      {switches.map((option) => (
        <label key={option.filter}>
          <input
            type="checkbox"
            onChange={(event) => {
              if (event.target.checked) choice.switches.add(option.filter);
              else choice.switches.delete(option.filter);
            }}
          />{' '}
          {option.label}
        </label>
      ))}
    </div>
  );
}

/** The toast: "2 volumes removed, 1.5 MiB reclaimed" (space only when the engine says it). */
function summary(kind: PruneKind, answer: PruneAnswer): string {
  const removed = KINDS[kind].removed(answer) ?? 0;
  const { singular, plural } = KINDS[kind];
  const what =
    removed === 0 ? `No ${plural} to remove` : `${removed} ${removed === 1 ? singular : plural} removed`;
  const space =
    typeof answer.SpaceReclaimed === 'number' ? `, ${formatBytes(answer.SpaceReclaimed)} reclaimed` : '';
  return `${what}${space}`;
}

/** The request for `useAction().run`: confirm with the options, prune with their filters, say what went. */
export function pruneRequest({
  engine,
  kind,
  title,
  intro,
  switches = [],
  after,
}: {
  engine: string;
  kind: PruneKind;
  title: string;
  intro: ReactNode;
  switches?: readonly PruneSwitch[];
  after?: () => void;
}): ActionRequest<PruneAnswer> {
  const choice: PruneChoice = { labels: '', switches: new Set() };
  return {
    id: 'prune',
    confirm: {
      title,
      body: <PruneOptions intro={intro} switches={switches} choice={choice} />,
      action: 'Prune',
    },
    work: () => {
      const { entries, malformed } = parseLabelFilter(choice.labels);
      // Refused here rather than sent: a filter the user did not mean could remove far more.
      if (malformed.length > 0)
        return Promise.reject(new Error(`not a label: ${malformed.join(', ')} (write key or key=value)`));
      const filters: Record<string, string[]> = entries.length > 0 ? { label: entries } : {};
      for (const option of switches)
        if (choice.switches.has(option.filter)) filters[option.filter] = [option.value];
      return api<PruneAnswer>('POST', enginePath(engine, kind, 'prune'), {
        query: Object.keys(filters).length > 0 ? { filters: JSON.stringify(filters) } : undefined,
      });
    },
    done: (answer) => summary(kind, answer),
    what: `Pruning ${KINDS[kind].plural}`,
    after,
  };
}
