/**
 * The swarm's services: name, mode, replicas running / desired, image, ports; create, scale in the
 * row, remove. Running counts come from the task list (the service list has none).
 */
import type { Service, Task } from '@gantry/engine';
import type { Page } from '@gantry/server/api-types';
import { useState } from 'react';
import { api, enginePath } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Link, navigate } from '../../router.tsx';
import { Button } from '../../ui/controls.tsx';
import type { Column } from '../../ui/virtual-table.tsx';
import { useContainers } from '../objects/containers-index.ts';
import { ObjectTable, RowActions, useObjectList } from '../objects/object-table.tsx';
import { useAction } from '../objects/use-action.ts';
import { desiredOf, imageOf, modeOf, portsOf, runningByService } from './service-facts.ts';
import { ServiceForm } from './service-form.tsx';

export function ServicesTab() {
  const session = useSession();
  const engine = session.engine ?? '';
  const services = useObjectList<Service>('services', { prefix: 'services.' });
  const running = useApi<Page<Task>>(enginePath(engine, 'tasks'), { state: 'running', pageSize: 500 }, 3000);
  const counts = runningByService(running.data?.items ?? [], useContainers(3000));
  const action = useAction();
  const [creating, setCreating] = useState(false);
  const canManage = session.can('services.manage');

  const remove = (service: Service) =>
    action.run({
      id: `remove:${service.ID}`,
      confirm: {
        title: `Remove service ${service.Spec?.Name}?`,
        body: 'Its tasks are stopped and removed on every node.',
        action: 'Remove',
      },
      work: () => api('DELETE', enginePath(engine, 'services', service.ID ?? '')),
      done: `Service ${service.Spec?.Name} removed`,
      what: `Removing ${service.Spec?.Name}`,
      after: services.reload,
    });

  const columns: Column<Service>[] = [
    {
      id: 'name',
      header: 'Name',
      sortKey: 'name',
      width: 'minmax(8rem, 2fr)',
      render: (s) => <Link href={`/swarm/services/${encodeURIComponent(s.ID ?? '')}`}>{s.Spec?.Name}</Link>,
    },
    { id: 'mode', header: 'Mode', width: '6.5rem', wideOnly: true, render: modeOf },
    {
      id: 'replicas',
      header: 'Replicas',
      width: '6rem',
      render: (s) => (
        <span>
          {counts.get(s.ID ?? '') ?? 0}/{desiredOf(s) ?? 'global'}
        </span>
      ),
    },
    {
      id: 'image',
      header: 'Image',
      width: 'minmax(8rem, 2fr)',
      wideOnly: true,
      render: (s) => <span className="mono">{imageOf(s)}</span>,
    },
    {
      id: 'ports',
      header: 'Ports',
      width: 'minmax(6rem, 1fr)',
      wideOnly: true,
      render: (s) => portsOf(s) || '—',
    },
    {
      id: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      width: '14rem',
      render: (s) =>
        canManage ? (
          <RowActions>
            {desiredOf(s) !== undefined ? <ScaleControl service={s} onScaled={services.reload} /> : null}
            <Button
              tone="danger"
              aria-label={`Remove ${s.Spec?.Name}`}
              busy={action.isBusy(`remove:${s.ID}`)}
              onClick={() => remove(s)}
            >
              Remove
            </Button>
          </RowActions>
        ) : null,
    },
  ];

  return (
    <>
      {canManage ? (
        <div className="toolbar">
          <Button tone="primary" onClick={() => setCreating(true)}>
            Create service
          </Button>
        </div>
      ) : null}
      <ObjectTable
        list={services}
        noun="services"
        columns={columns}
        rowKey={(s) => s.ID ?? ''}
        states={['replicated', 'global']}
        onOpen={(s) => navigate(`/swarm/services/${encodeURIComponent(s.ID ?? '')}`)}
        empty="The swarm runs no services yet (a new swarm shows here within 15 seconds)."
      />
      {creating ? (
        <ServiceForm
          onClose={() => setCreating(false)}
          onSaved={() => {
            setCreating(false);
            services.reload();
          }}
        />
      ) : null}
    </>
  );
}

/** A replica count and its Scale button, inside the service's row. */
export function ScaleControl({ service, onScaled }: { service: Service; onScaled: () => void }) {
  const { engine } = useSession();
  const action = useAction();
  const desired = desiredOf(service) ?? 0;
  const [value, setValue] = useState(String(desired));
  const name = service.Spec?.Name ?? '';
  const wanted = Number(value);
  const scale = () =>
    action.run({
      id: 'scale',
      work: () =>
        api('POST', enginePath(engine ?? '', 'services', service.ID ?? '', 'scale'), {
          body: { replicas: wanted },
        }),
      done: `${name} scaled to ${wanted}`,
      what: `Scaling ${name}`,
      after: onScaled,
    });
  return (
    <span className="scale-control">
      <input
        type="number"
        min={0}
        aria-label={`Replicas for ${name}`}
        value={value}
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') void scale();
        }}
      />
      <Button
        disabled={!Number.isInteger(wanted) || wanted < 0 || wanted === desired}
        busy={action.isBusy('scale')}
        onClick={scale}
      >
        Scale
      </Button>
    </span>
  );
}
