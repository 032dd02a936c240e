/** One swarm service: overview, update (image, replicas, environment), its tasks, live logs. */
import type { Service, Task } from '@gantry/engine';
import type { Page } from '@gantry/server/api-types';
import { useState } from 'react';
import { api, enginePath } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Link, navigate } from '../../router.tsx';
import { Button, Empty, ErrorBox, PageHeader, shortId } from '../../ui/controls.tsx';
import { VirtualTable } from '../../ui/virtual-table.tsx';
import { useContainers } from '../objects/containers-index.ts';
import { dateOf, Facts, LabelList, RawJson } from '../objects/details.tsx';
import { useAction } from '../objects/use-action.ts';
import type { PageProps } from '../registry.ts';
import { desiredOf, imageOf, modeOf, portsOf, runningByService } from './service-facts.ts';
import { ServiceForm } from './service-form.tsx';
import { ServiceLogs } from './service-logs.tsx';
import { useSwarmNames } from './swarm-names.ts';
import { taskColumns } from './task-columns.tsx';
import '../objects/objects.css';
import './swarm.css';

export default function ServicePage({ params }: PageProps) {
  const session = useSession();
  const engine = session.engine ?? '';
  const id = params.id ?? '';
  const {
    data: service,
    error,
    reload,
  } = useApi<Service>(engine ? enginePath(engine, 'services', id) : undefined, undefined, 5000);
  // This service's tasks (the server filters by its full id), newest first.
  const serviceTasks = useApi<Page<Task>>(
    engine && service?.ID ? enginePath(engine, 'tasks') : undefined,
    { service: service?.ID ?? '', pageSize: 500, sort: 'updated', order: 'desc' },
    3000,
  );
  const tasks = serviceTasks.data?.items ?? [];
  const names = useSwarmNames();
  const containers = useContainers(3000);
  const action = useAction();
  const [editing, setEditing] = useState(false);
  const name = service?.Spec?.Name ?? shortId(id);
  const container = service?.Spec?.TaskTemplate?.ContainerSpec;

  const remove = () =>
    action.run({
      id: 'remove',
      confirm: {
        title: `Remove service ${name}?`,
        body: 'Its tasks are stopped and removed on every node.',
        action: 'Remove',
      },
      work: () => api('DELETE', enginePath(engine, 'services', id)),
      done: `Service ${name} removed`,
      what: `Removing ${name}`,
      after: () => navigate('/swarm?tab=services'),
    });

  return (
    <>
      <PageHeader
        title={name}
        subtitle={
          <>
            <Link href="/swarm?tab=services">Swarm services</Link> / service
          </>
        }
        actions={
          session.can('services.manage') && service ? (
            <>
              <Button onClick={() => setEditing(true)}>Update</Button>
              <Button tone="danger" busy={action.isBusy('remove')} onClick={remove}>
                Remove
              </Button>
            </>
          ) : null
        }
      />
      <ErrorBox error={error} title="Could not inspect the service" />
      {service ? (
        <section className="panel" aria-label="service overview">
          <Facts
            facts={{
              Id: <span className="mono">{service.ID}</span>,
              Mode: modeOf(service),
              Replicas: `${runningByService(tasks, containers).get(service.ID ?? '') ?? 0} running / ${desiredOf(service) ?? 'one per node'} desired`,
              Image: <span className="mono">{imageOf(service)}</span>,
              Command:
                container?.Command || container?.Args ? (
                  <span className="mono">
                    {[...(container?.Command ?? []), ...(container?.Args ?? [])].join(' ')}
                  </span>
                ) : undefined,
              Environment: container?.Env?.length
                ? container.Env.map((entry) => entry.split('=')[0]).join(', ')
                : undefined,
              Ports: portsOf(service) || undefined,
              Update: service.UpdateStatus
                ? `${service.UpdateStatus.State}${service.UpdateStatus.Message ? ` — ${service.UpdateStatus.Message}` : ''}`
                : undefined,
              Created: dateOf(service.CreatedAt),
              Updated: dateOf(service.UpdatedAt),
              Labels: <LabelList labels={service.Spec?.Labels} />,
            }}
          />
          <RawJson value={service} />
        </section>
      ) : null}
      <section className="panel" aria-label="service tasks">
        <h2>Tasks</h2>
        <ErrorBox error={serviceTasks.error} title="Could not list the tasks" />
        {tasks.length === 0 ? (
          <Empty>{serviceTasks.data ? 'No tasks yet.' : 'Loading…'}</Empty>
        ) : (
          <VirtualTable
            label="tasks"
            rowCount={tasks.length}
            rowAt={(index) => tasks[index]}
            rowKey={(task) => task.ID ?? ''}
            columns={taskColumns(names, false)}
            height={`${Math.min(tasks.length, 8) * 38 + 4}px`}
          />
        )}
      </section>
      {session.can('logs.read') ? (
        <ServiceLogs id={id} />
      ) : (
        <Empty>Reading logs needs the logs.read permission.</Empty>
      )}
      {editing && service ? (
        <ServiceForm
          service={service}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            // At once, not at the next refresh: another update needs the new spec version.
            reload();
          }}
        />
      ) : null}
    </>
  );
}
