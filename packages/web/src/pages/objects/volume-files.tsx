/**
 * A volume's files. The console has no route that reads a volume directly: it reads files through
 * a container that mounts it (`GET …/containers/:id/archive?path=`, a tar of the path, which works on
 * stopped containers too). A directory's tar holds everything below it, so a listing reads the whole
 * subtree's tar and keeps the direct children; it stops after LISTING_LIMIT bytes and says so.
 */
import type { ContainerSummary } from '@gantry/engine';
import { useEffect, useState } from 'react';
import { enginePath, messageOf, send, withQuery } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Link } from '../../router.tsx';
import { Button, Empty, ErrorBox, formatBytes, ProgressBar, SelectField } from '../../ui/controls.tsx';
import { containerName } from './containers-index.ts';
import { readTar, type TarEntry } from './tar-reader.ts';

/** Bytes of tar read for one listing: enough for many thousands of small files. */
const LISTING_LIMIT = 64 * 1024 * 1024;
/** Files up to this size are shown in the page; larger ones only downloaded. */
const VIEW_LIMIT = 1024 * 1024;

export interface VolumeUser {
  readonly container: ContainerSummary;
  readonly destination: string;
}

interface Listing {
  readonly entries: readonly TarEntry[];
  readonly truncated: boolean;
}

/** The direct children of the archived directory; deeper paths imply their top directory. */
function childrenOf(entries: readonly TarEntry[]): TarEntry[] {
  const children = new Map<string, TarEntry>();
  for (const entry of entries) {
    const parts = entry.path.split('/');
    if (parts.length === 2) children.set(parts[1] as string, { ...entry, path: parts[1] as string });
    else if (parts.length > 2 && !children.has(parts[1] as string))
      children.set(parts[1] as string, {
        path: parts[1] as string,
        type: 'directory',
        size: 0,
        mode: 0,
        mtime: 0,
        linkTarget: '',
      });
  }
  return [...children.values()].sort(
    (a, b) => Number(b.type === 'directory') - Number(a.type === 'directory') || a.path.localeCompare(b.path),
  );
}

const joinPath = (root: string, parts: readonly string[]) =>
  [root.replace(/\/+$/, ''), ...parts].join('/') || '/';

export function VolumeFiles({ users }: { users: readonly VolumeUser[] }) {
  const session = useSession();
  const engine = session.engine ?? '';
  const [userIndex, setUserIndex] = useState(0);
  const [parts, setParts] = useState<readonly string[]>([]);
  const [listing, setListing] = useState<Listing>();
  const [bytes, setBytes] = useState(0);
  const [error, setError] = useState<unknown>();
  const [viewing, setViewing] = useState<string>();
  const user = users[userIndex] ?? users[0];
  const containerId = user?.container.Id ?? '';
  const archive = (path: string) =>
    withQuery(enginePath(engine, 'containers', containerId, 'archive'), { path });
  const directory = user ? joinPath(user.destination, parts) : '';

  useEffect(() => {
    if (!containerId || !directory) return;
    const controller = new AbortController();
    setListing(undefined);
    setError(undefined);
    setBytes(0);
    send('GET', withQuery(enginePath(engine, 'containers', containerId, 'archive'), { path: directory }), {
      signal: controller.signal,
    })
      .then((response) =>
        readTar(response.body as ReadableStream<Uint8Array>, {
          maxBytes: LISTING_LIMIT,
          onProgress: setBytes,
        }),
      )
      .then(
        (read) => setListing({ entries: childrenOf(read.entries), truncated: read.truncated }),
        (failure: unknown) => {
          if (!controller.signal.aborted) setError(failure);
        },
      );
    return () => controller.abort();
  }, [engine, containerId, directory]);

  if (!session.can('containers.files.read'))
    return (
      <Empty>
        Browsing files needs the containers.files.read permission (they are read through a container).
      </Empty>
    );
  if (!user)
    return (
      <Empty>
        No container mounts this volume, so its files cannot be browsed: the console reads volume files only
        through a container that mounts the volume. Create one (it may stay stopped) with this volume mounted,
        then come back.
      </Empty>
    );

  return (
    <div className="volume-files">
      <div className="toolbar">
        {users.length > 1 ? (
          <SelectField
            label="Read through container"
            value={String(userIndex)}
            options={users.map((entry, index) => ({
              value: String(index),
              label: `${containerName(entry.container)} (at ${entry.destination})`,
            }))}
            onChange={(event) => {
              setUserIndex(Number(event.target.value));
              setParts([]);
            }}
          />
        ) : (
          <span className="muted">
            Read through{' '}
            <Link href={`/containers/${encodeURIComponent(containerId)}`}>
              {containerName(user.container)}
            </Link>
            , which mounts it at <span className="mono">{user.destination}</span>
          </span>
        )}
      </div>
      <nav aria-label="folder path" className="breadcrumbs">
        <Button onClick={() => setParts([])}>volume root</Button>
        {parts.map((part, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a path's parts are positional
          <span key={index}>
            {' / '}
            <Button onClick={() => setParts(parts.slice(0, index + 1))}>{part}</Button>
          </span>
        ))}
      </nav>
      <ErrorBox error={error} title="Could not read the folder" />
      {!listing && !error ? (
        <div className="listing-progress">
          <ProgressBar percent={undefined} label="reading the folder" />{' '}
          <span className="muted">{formatBytes(bytes)} read</span>
        </div>
      ) : null}
      {listing?.truncated ? (
        <div className="error-box" role="status">
          This folder holds more than {formatBytes(LISTING_LIMIT)}: only the entries in the first{' '}
          {formatBytes(LISTING_LIMIT)} are listed. Open a sub-folder to see the rest.
        </div>
      ) : null}
      {listing ? (
        listing.entries.length === 0 ? (
          <Empty>This folder is empty.</Empty>
        ) : (
          <table className="table files-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Size</th>
                <th className="wide-only">Mode</th>
                <th className="wide-only">Modified</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {listing.entries.map((entry) => (
                <tr key={entry.path}>
                  <td>
                    {entry.type === 'directory' ? (
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => setParts([...parts, entry.path])}
                      >
                        📁 {entry.path}/
                      </button>
                    ) : entry.type === 'symlink' ? (
                      <span className="mono">
                        {entry.path} → {entry.linkTarget}
                      </span>
                    ) : (
                      <button type="button" className="link-button" onClick={() => setViewing(entry.path)}>
                        {entry.path}
                      </button>
                    )}
                  </td>
                  <td>{entry.type === 'file' ? formatBytes(entry.size) : '—'}</td>
                  <td className="mono wide-only">
                    {entry.mode ? entry.mode.toString(8).padStart(4, '0') : '—'}
                  </td>
                  <td className="wide-only">
                    {entry.mtime ? new Date(entry.mtime * 1000).toLocaleString() : '—'}
                  </td>
                  <td>
                    {entry.type === 'file' ? (
                      <a href={archive(joinPath(directory, [entry.path]))} download={`${entry.path}.tar`}>
                        Download
                      </a>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      {viewing ? (
        <FileView
          key={viewing}
          url={archive(joinPath(directory, [viewing]))}
          name={viewing}
          onClose={() => setViewing(undefined)}
        />
      ) : null}
    </div>
  );
}

/** A small file's content, read out of its one-entry tar; binary or large files are only named. */
function FileView({ url, name, onClose }: { url: string; name: string; onClose: () => void }) {
  const [content, setContent] = useState<string>();
  const [note, setNote] = useState<string>();
  useEffect(() => {
    const controller = new AbortController();
    send('GET', url, { signal: controller.signal })
      .then((response) =>
        readTar(response.body as ReadableStream<Uint8Array>, {
          maxBytes: VIEW_LIMIT + 64 * 1024,
          keepData: (entry) => entry.size <= VIEW_LIMIT,
        }),
      )
      .then(
        ({ entries }) => {
          const file = entries.find((entry) => entry.type === 'file');
          if (!file?.data) setNote(`${name} is larger than ${formatBytes(VIEW_LIMIT)}: download it instead.`);
          else if (file.data.includes(0))
            setNote(`${name} is binary (${formatBytes(file.size)}): download it instead.`);
          else setContent(new TextDecoder().decode(file.data));
        },
        (failure: unknown) => {
          if (!controller.signal.aborted) setNote(messageOf(failure));
        },
      );
    return () => controller.abort();
  }, [url, name]);
  return (
    <section className="panel file-view" aria-label={`file ${name}`}>
      <div className="toolbar">
        <strong className="mono">{name}</strong>
        <Button onClick={onClose}>Close file</Button>
      </div>
      {note ? <p className="muted">{note}</p> : null}
      {content !== undefined ? <pre className="file-content">{content}</pre> : null}
      {content === undefined && !note ? <ProgressBar percent={undefined} label="reading the file" /> : null}
    </section>
  );
}
