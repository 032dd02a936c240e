/**
 * A volume's files, as tars of a path: through a container that mounts it when there is one
 * (`GET …/containers/:id/archive?path=`, stopped containers too), else through the console's own
 * reader (`GET …/volumes/:name/archive?path=`, a never-started container it makes for the read). A directory's tar holds everything below it, so a listing reads the whole
 * subtree's tar and keeps the direct children; it stops after LISTING_LIMIT bytes and says so.
 */
import type { ContainerSummary } from '@gantry/engine';
import { useEffect, useState } from 'react';
import { enginePath, messageOf, send, withQuery } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Link } from '../../router.tsx';
import { Button, Empty, ErrorBox, formatBytes, ProgressBar, SelectField } from '../../ui/controls.tsx';
import { readTar, type TarHeader } from '../../ui/tar-reader.ts';
import { containerName } from './containers-index.ts';

/** Bytes of tar read for one listing: enough for many thousands of small files. */
const LISTING_LIMIT = 64 * 1024 * 1024;
/** Files up to this size are shown in the page; larger ones only downloaded. */
const VIEW_LIMIT = 1024 * 1024;

export interface VolumeUser {
  readonly container: ContainerSummary;
  readonly destination: string;
}

interface Listing {
  /** Paths relative to the listed directory. */
  readonly entries: readonly TarHeader[];
  readonly truncated: boolean;
}

/** The direct children of the archived directory; deeper paths imply their top directory. */
function childrenOf(entries: readonly TarHeader[]): TarHeader[] {
  const children = new Map<string, TarHeader>();
  for (const entry of entries) {
    // The tar names directories `dir/`: without the slash, `dir/sub/` is two parts like `dir/file`.
    const parts = entry.path.replace(/\/+$/, '').split('/');
    if (parts.length === 2) children.set(parts[1] as string, { ...entry, path: parts[1] as string });
    else if (parts.length > 2 && !children.has(parts[1] as string))
      children.set(parts[1] as string, {
        path: parts[1] as string,
        kind: 'directory',
        size: 0,
        mode: 0,
        mtime: 0,
        linkTarget: '',
      });
  }
  return [...children.values()].sort(
    (a, b) => Number(b.kind === 'directory') - Number(a.kind === 'directory') || a.path.localeCompare(b.path),
  );
}

const joinPath = (root: string, parts: readonly string[]) =>
  [root.replace(/\/+$/, ''), ...parts].join('/') || '/';

export function VolumeFiles({ volume, users }: { volume: string; users: readonly VolumeUser[] }) {
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
    withQuery(
      user
        ? enginePath(engine, 'containers', containerId, 'archive')
        : enginePath(engine, 'volumes', volume, 'archive'),
      { path },
    );
  const directory = joinPath(user ? user.destination : '', parts);
  const listingUrl = engine ? archive(directory) : undefined;

  useEffect(() => {
    if (!listingUrl) return;
    const controller = new AbortController();
    setListing(undefined);
    setError(undefined);
    setBytes(0);
    (async () => {
      const response = await send('GET', listingUrl, { signal: controller.signal });
      const entries: TarHeader[] = [];
      let truncated = false;
      if (response.body)
        for await (const item of readTar(response.body, { maxBytes: LISTING_LIMIT, onBytes: setBytes })) {
          entries.push(item.header);
          truncated = item.limitReached ?? false;
        }
      setListing({ entries: childrenOf(entries), truncated });
    })().catch((failure: unknown) => {
      if (!controller.signal.aborted) setError(failure);
    });
    return () => controller.abort();
  }, [listingUrl]);

  if (!session.can('containers.files.read'))
    return (
      <Empty>
        Browsing files needs the containers.files.read permission (they are read through a container).
      </Empty>
    );

  return (
    <div className="volume-files">
      <div className="toolbar">
        {!user ? (
          <span className="muted">
            No container mounts this volume: the console reads it through a container of its own, never
            started, with the volume mounted read-only, removed after each read.
          </span>
        ) : users.length > 1 ? (
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
                    {entry.kind === 'directory' ? (
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => setParts([...parts, entry.path])}
                      >
                        📁 {entry.path}/
                      </button>
                    ) : entry.kind === 'symlink' ? (
                      <span className="mono">
                        {entry.path} → {entry.linkTarget}
                      </span>
                    ) : (
                      <button type="button" className="link-button" onClick={() => setViewing(entry.path)}>
                        {entry.path}
                      </button>
                    )}
                  </td>
                  <td>{entry.kind === 'file' ? formatBytes(entry.size) : '—'}</td>
                  <td className="mono wide-only">
                    {entry.mode ? entry.mode.toString(8).padStart(4, '0') : '—'}
                  </td>
                  <td className="wide-only">{entry.mtime ? new Date(entry.mtime).toLocaleString() : '—'}</td>
                  <td>
                    {entry.kind === 'file' ? (
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
    (async () => {
      const response = await send('GET', url, { signal: controller.signal });
      let body: Uint8Array | undefined;
      let size = 0;
      // Breaking at the file cancels the download: a large file's body is never fetched.
      if (response.body)
        for await (const item of readTar(response.body, {
          wantBody: (header) => header.kind === 'file' && header.size <= VIEW_LIMIT,
        })) {
          if (item.header.kind !== 'file') continue;
          body = item.body;
          size = item.header.size;
          break;
        }
      if (!body) setNote(`${name} is larger than ${formatBytes(VIEW_LIMIT)}: download it instead.`);
      else if (body.includes(0)) setNote(`${name} is binary (${formatBytes(size)}): download it instead.`);
      else setContent(new TextDecoder().decode(body));
    })().catch((failure: unknown) => {
      if (!controller.signal.aborted) setNote(messageOf(failure));
    });
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
