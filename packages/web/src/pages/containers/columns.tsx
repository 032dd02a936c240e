/** What the containers table shows of a list item (the daemon's `ContainerSummary`). */
import type { ContainerSummary } from '@gantry/engine';
import { Link } from '../../router.tsx';
import { formatTime, StateBadge, shortId } from '../../ui/controls.tsx';
import type { Column } from '../../ui/virtual-table.tsx';

const COMPOSE_PROJECT = 'com.docker.compose.project';
const STACK_NAMESPACE = 'com.docker.stack.namespace';

/** The name without the leading `/` the daemon lists it with; the short id when it has none. */
export function containerName(container: ContainerSummary): string {
  return container.Names?.[0]?.replace(/^\//, '') || shortId(container.Id);
}

/** The compose project (or swarm stack) it belongs to, as the server groups them. */
export function projectOf(container: ContainerSummary): string | undefined {
  return container.Labels?.[COMPOSE_PROJECT] ?? container.Labels?.[STACK_NAMESPACE];
}

/** `8080→80/tcp, 53/udp`: published ports once (not per host address), then unpublished ones. */
export function formatPorts(container: ContainerSummary): string {
  const ports = new Set<string>();
  for (const port of container.Ports ?? [])
    ports.add(
      port.PublicPort
        ? `${port.PublicPort}→${port.PrivatePort}/${port.Type}`
        : `${port.PrivatePort}/${port.Type}`,
    );
  return [...ports].join(', ');
}

export const CONTAINER_COLUMNS: readonly Column<ContainerSummary>[] = [
  {
    id: 'name',
    header: 'Name',
    width: 'minmax(5rem, 2fr)',
    sortKey: 'name',
    render: (container) => (
      <Link
        href={`/containers/${encodeURIComponent(container.Id ?? '')}`}
        // The row opens the container too; one navigation is enough.
        onClick={(event) => event.stopPropagation()}
      >
        {containerName(container)}
      </Link>
    ),
  },
  {
    id: 'image',
    header: 'Image',
    width: 'minmax(3rem, 1.5fr)',
    sortKey: 'image',
    render: (container) => <span title={container.Image}>{container.Image}</span>,
  },
  {
    id: 'state',
    header: 'State',
    width: '5.25rem',
    sortKey: 'state',
    render: (container) => <StateBadge state={container.State} />,
  },
  {
    id: 'status',
    header: 'Status',
    width: 'minmax(3.5rem, 1.5fr)',
    sortKey: 'status',
    render: (container) => <span className="muted">{container.Status}</span>,
  },
  {
    id: 'ports',
    header: 'Ports',
    width: 'minmax(6rem, 1.5fr)',
    wideOnly: true,
    render: (container) => <span className="mono">{formatPorts(container)}</span>,
  },
  {
    id: 'created',
    header: 'Created',
    width: '11rem',
    sortKey: 'created',
    wideOnly: true,
    render: (container) => formatTime(container.Created, true),
  },
  {
    id: 'project',
    header: 'Compose project',
    width: 'minmax(6rem, 1fr)',
    wideOnly: true,
    render: (container) => projectOf(container) ?? <span className="muted">—</span>,
  },
];
