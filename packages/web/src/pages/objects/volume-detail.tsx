/** One volume: what the engine says of it, the containers using it, and its files. */
import type { Volume } from '@gantry/engine';
import { enginePath } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Link, navigate } from '../../router.tsx';
import { Button, ErrorBox, formatBytes, PageHeader, StateBadge } from '../../ui/controls.tsx';
import type { PageProps } from '../registry.ts';
import { containerName, mountsOf, useContainers } from './containers-index.ts';
import { dateOf, Facts, LabelList, RawJson } from './details.tsx';
import { useAction } from './use-action.ts';
import { VolumeFiles } from './volume-files.tsx';
import { useRemoveVolume } from './volume-remove.tsx';
import './objects.css';

export default function VolumeDetailPage({ params }: PageProps) {
  const session = useSession();
  const name = params.name ?? '';
  const { data: volume, error } = useApi<Volume>(
    session.engine ? enginePath(session.engine, 'volumes', name) : undefined,
  );
  const users = mountsOf(useContainers(), name);
  const action = useAction();
  const remove = useRemoveVolume(action, () => navigate('/volumes'));
  const options = Object.entries(volume?.Options ?? {});

  return (
    <>
      <PageHeader
        title={name}
        subtitle={
          <>
            <Link href="/volumes">Volumes</Link> / volume
          </>
        }
        actions={
          session.can('volumes.manage') ? (
            <Button tone="danger" busy={action.isBusy(`remove:${name}`)} onClick={() => remove(name)}>
              Remove
            </Button>
          ) : null
        }
      />
      <ErrorBox error={error} title="Could not inspect the volume" />
      {volume ? (
        <div className="detail-grid">
          <section className="panel" aria-label="volume details">
            <h2>Details</h2>
            <Facts
              facts={{
                Driver: volume.Driver,
                Scope: volume.Scope,
                Mountpoint: <span className="mono">{volume.Mountpoint}</span>,
                Created: dateOf(volume.CreatedAt),
                Size:
                  volume.UsageData && volume.UsageData.Size >= 0
                    ? formatBytes(volume.UsageData.Size)
                    : undefined,
                'Driver options': options.length
                  ? options.map(([key, value]) => `${key}=${value}`).join(', ')
                  : undefined,
                Labels: <LabelList labels={volume.Labels} />,
              }}
            />
            <RawJson value={volume} />
          </section>
          <section className="panel" aria-label="containers using the volume">
            <h2>Used by</h2>
            {users.length === 0 ? (
              <p className="muted">
                {session.can('containers.read')
                  ? 'No container mounts this volume.'
                  : 'Needs containers.read to show.'}
              </p>
            ) : (
              <ul className="plain-list">
                {users.map(({ container, destination, writable }) => (
                  <li key={`${container.Id}:${destination}`}>
                    <Link href={`/containers/${encodeURIComponent(container.Id ?? '')}`}>
                      {containerName(container)}
                    </Link>{' '}
                    <StateBadge state={container.State} /> at <span className="mono">{destination}</span>
                    {writable ? '' : ' (read-only)'}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      ) : null}
      {volume ? (
        <section className="panel files-panel" aria-label="files">
          <h2>Files</h2>
          <VolumeFiles volume={name} users={users} />
        </section>
      ) : null}
    </>
  );
}
