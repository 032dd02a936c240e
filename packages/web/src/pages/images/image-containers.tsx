/**
 * The containers made from an image. The console's container list has no `ancestor` filter, so this
 * asks it once per name a container may have been created with (each repository, the short id)
 * and keeps the containers whose ImageID is this image's id.
 */
import type { ContainerSummary } from '@gantry/engine';
import type { Page } from '@gantry/server/api-types';
import { useEffect, useState } from 'react';
import { api, enginePath } from '../../api/client.ts';
import { Link } from '../../router.tsx';
import { Empty, ErrorBox, formatTime, StateBadge } from '../../ui/controls.tsx';
import type { ImageRef } from './image-ref.ts';

/** The repository of `name` (`registry:5000/team/app:1` -> `registry:5000/team/app`). */
const repositoryOf = (name: string) => name.replace(/:[^:/]+$/, '');

function useContainersOf(engine: string, image: ImageRef) {
  const [state, setState] = useState<{ containers?: ContainerSummary[]; error?: unknown }>({});
  const names = [
    ...new Set([...image.tags.map(repositoryOf), image.id.replace(/^sha256:/, '').slice(0, 12)]),
  ];
  const key = names.join('\n');
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the names
  useEffect(() => {
    const controller = new AbortController();
    Promise.all(
      names.map((filter) =>
        api<Page<ContainerSummary>>('GET', enginePath(engine, 'containers'), {
          query: { filter, pageSize: 500 },
          signal: controller.signal,
        }),
      ),
    ).then(
      (pages) => {
        const byId = new Map<string, ContainerSummary>();
        for (const page of pages)
          for (const container of page.items)
            if (container.ImageID === image.id && container.Id) byId.set(container.Id, container);
        setState({ containers: [...byId.values()] });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ error });
      },
    );
    return () => controller.abort();
  }, [engine, image.id, key]);
  return state;
}

export function ImageContainers({ engine, image }: { engine: string; image: ImageRef }) {
  const { containers, error } = useContainersOf(engine, image);
  if (error) return <ErrorBox error={error} title="The containers could not be listed" />;
  if (!containers) return <Empty>Loading…</Empty>;
  if (containers.length === 0) return <Empty>No container uses this image.</Empty>;
  return (
    <table className="table" aria-label="containers using this image">
      <thead>
        <tr>
          <th>Name</th>
          <th>State</th>
          <th className="wide-only">Status</th>
          <th className="wide-only">Created</th>
        </tr>
      </thead>
      <tbody>
        {containers.map((container) => {
          const name = (container.Names?.[0] ?? container.Id ?? '').replace(/^\//, '');
          return (
            <tr key={container.Id}>
              <td>
                <Link href={`/containers/${encodeURIComponent(container.Id ?? '')}`}>{name}</Link>
              </td>
              <td>
                <StateBadge state={container.State} />
              </td>
              <td className="wide-only">{container.Status}</td>
              <td className="wide-only">{formatTime(container.Created, true)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
