/**
 * One image: overview (names, digests, size, platform, configuration), its layer history, the
 * containers made from it, and the raw inspect answer; tag, push and remove act on it.
 */
import type { ImageHistoryResponseItem, ImageInspect } from '@gantry/engine';
import { type ReactNode, useState } from 'react';
import { enginePath } from '../../api/client.ts';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';
import { Link, navigate } from '../../router.tsx';
import { Button, Empty, ErrorBox, formatBytes, formatTime, PageHeader, Tabs } from '../../ui/controls.tsx';
import type { PageProps } from '../registry.ts';
import { useImageActions } from './image-actions.tsx';
import { ImageContainers } from './image-containers.tsx';
import { imageLabel, imageRef } from './image-ref.ts';
import './images.css';

type Tab = 'overview' | 'history' | 'containers' | 'inspect';

const TABS: readonly { id: Tab; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'history', label: 'History' },
  { id: 'containers', label: 'Containers' },
  { id: 'inspect', label: 'Inspect' },
];

/** One `dt`/`dd` pair; a missing or empty value shows as a dash. */
function Item({ term, children }: { term: string; children: ReactNode }) {
  const empty = children === undefined || children === null || children === '';
  return (
    <>
      <dt>{term}</dt>
      <dd>{empty ? '—' : children}</dd>
    </>
  );
}

/** Values one a line (env, labels, digests); none is a dash like any missing value. */
function Lines({ values }: { values: readonly string[] | undefined }) {
  if (!values || values.length === 0) return '—';
  return (
    <div className="lines mono">
      {values.map((value) => (
        <div key={value}>{value}</div>
      ))}
    </div>
  );
}

/** An argv as the exec form a Dockerfile writes (`["sh", "-c", "…"]`), so spaces stay visible. */
const argv = (values: readonly string[] | undefined) =>
  values && values.length > 0 ? <span className="mono">{JSON.stringify(values)}</span> : null;

function Overview({ image }: { image: ImageInspect }) {
  const config = image.Config ?? {};
  const platform = [image.Os, image.Architecture, image.Variant].filter(Boolean).join('/');
  return (
    <div className="image-overview">
      <section className="panel" aria-label="image">
        <h2>Image</h2>
        <dl className="kv">
          <Item term="ID">
            <span className="mono">{image.Id}</span>
          </Item>
          <Item term="Tags">
            <Lines values={imageRef(image).tags} />
          </Item>
          <Item term="Digests">
            <Lines values={image.RepoDigests} />
          </Item>
          <Item term="Size">{formatBytes(image.Size)}</Item>
          <Item term="Created">{formatTime(image.Created)}</Item>
          <Item term="Platform">{platform}</Item>
          <Item term="Author">{image.Author}</Item>
          <Item term="Layers">{image.RootFS?.Layers?.length}</Item>
        </dl>
      </section>
      <section className="panel" aria-label="configuration">
        <h2>Configuration</h2>
        <dl className="kv">
          <Item term="Entrypoint">{argv(config.Entrypoint)}</Item>
          <Item term="Command">{argv(config.Cmd)}</Item>
          <Item term="Working dir">{config.WorkingDir}</Item>
          <Item term="User">{config.User}</Item>
          <Item term="Environment">
            <Lines values={config.Env} />
          </Item>
          <Item term="Exposed ports">
            <Lines values={Object.keys(config.ExposedPorts ?? {})} />
          </Item>
          <Item term="Volumes">
            <Lines values={Object.keys(config.Volumes ?? {})} />
          </Item>
          <Item term="Labels">
            <Lines values={Object.entries(config.Labels ?? {}).map(([key, value]) => `${key}=${value}`)} />
          </Item>
        </dl>
      </section>
    </div>
  );
}

/** `/bin/sh -c #(nop) ` is how the classic builder marks a metadata-only step: noise here. */
const step = (createdBy: string) => createdBy.replace(/^\/bin\/sh -c #\(nop\)\s*/, '');

function History({ engine, id }: { engine: string; id: string }) {
  const history = useApi<ImageHistoryResponseItem[]>(enginePath(engine, 'images', id, 'history'));
  if (history.error) return <ErrorBox error={history.error} title="The history could not be read" />;
  if (!history.data) return <Empty>Loading…</Empty>;
  return (
    <div className="table-scroll">
      <table className="table" aria-label="history">
        <thead>
          <tr>
            <th className="wide-only">Created</th>
            <th>Step</th>
            <th>Size</th>
          </tr>
        </thead>
        <tbody>
          {history.data.map((layer, index) => (
            // The same step can repeat (two identical RUNs); its place in the history is the identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <tr key={index}>
              <td className="wide-only nowrap">{formatTime(layer.Created, true)}</td>
              <td className="mono history-step">
                {step(layer.CreatedBy)}
                {layer.Comment ? <div className="muted">{layer.Comment}</div> : null}
              </td>
              <td className="nowrap">{formatBytes(layer.Size)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function ImageDetailPage({ params }: PageProps) {
  const session = useSession();
  const engine = session.engine;
  const id = params.id ?? '';
  const [tab, setTab] = useState<Tab>('overview');
  const inspect = useApi<ImageInspect>(engine ? enginePath(engine, 'images', id) : undefined);
  const actions = useImageActions(engine, inspect.reload);

  if (!engine) return <Empty>No engine is selected: add one on the Engines page.</Empty>;
  const image = inspect.data;
  if (!image) {
    return (
      <>
        <PageHeader title="Image" subtitle={<Link href="/images">All images</Link>} />
        {inspect.error ? (
          <ErrorBox error={inspect.error} title="The image could not be read" />
        ) : (
          <Empty>Loading…</Empty>
        )}
      </>
    );
  }
  const ref = imageRef(image);
  return (
    <>
      <PageHeader
        title={imageLabel(ref)}
        subtitle={
          <>
            <Link href="/images">Images</Link> / <span className="mono">{ref.id}</span>
          </>
        }
        actions={
          <>
            {session.can('images.manage') ? <Button onClick={() => actions.tag(ref)}>Tag</Button> : null}
            {session.can('images.push') ? <Button onClick={() => actions.push(ref)}>Push</Button> : null}
            {session.can('images.manage') ? (
              <Button
                tone="danger"
                onClick={async () => {
                  if (await actions.remove(ref)) navigate('/images');
                }}
              >
                Remove
              </Button>
            ) : null}
          </>
        }
      />
      <ErrorBox error={inspect.error} title="The image could not be reloaded" />
      <Tabs tabs={TABS} current={tab} onChange={setTab} />
      {tab === 'overview' ? <Overview image={image} /> : null}
      {tab === 'history' ? <History engine={engine} id={ref.id} /> : null}
      {tab === 'containers' ? <ImageContainers engine={engine} image={ref} /> : null}
      {tab === 'inspect' ? <pre className="inspect-json">{JSON.stringify(image, null, 2)}</pre> : null}
      {actions.dialogs}
    </>
  );
}
