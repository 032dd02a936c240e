/**
 * The Files tab: browses the container's filesystem through the archive route. The daemon only
 * hands out tar streams, so a directory is listed by streaming its tar and keeping the headers of
 * its direct children (bodies are skipped, never held). A file downloads as itself (taken out of
 * its one-entry tar in the page); a directory downloads as the tar the route sends.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { enginePath, send, withQuery } from '../../../../api/client.ts';
import { setSearch, useLocation } from '../../../../router.tsx';
import { Button, Empty, ErrorBox, formatBytes, formatTime } from '../../../../ui/controls.tsx';
import { useFeedback } from '../../../../ui/feedback.tsx';
import { readTar, type TarHeader } from '../../../../ui/tar-reader.ts';
import { saveBlob } from '../download.ts';
import { ancestors, baseName, join, modeString, normalize, resolveLink } from './paths.ts';

interface Entry extends TarHeader {
  /** The name inside the listed directory. */
  readonly name: string;
}

type Listing =
  | { readonly phase: 'loading'; readonly bytes: number }
  | { readonly phase: 'failed'; readonly error: unknown }
  | { readonly phase: 'listed'; readonly root: TarHeader | undefined; readonly entries: readonly Entry[] };

/** Directories first, then by name. */
const byKindThenName = (a: Entry, b: Entry) =>
  Number(b.kind === 'directory') - Number(a.kind === 'directory') || a.name.localeCompare(b.name);

/** Progress updates at most this often while a big directory streams. */
const PROGRESS_MS = 150;

function useListing(archive: string, path: string, tick: number): Listing {
  const [listing, setListing] = useState<Listing>({ phase: 'loading', bytes: 0 });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` reloads
  useEffect(() => {
    const controller = new AbortController();
    setListing({ phase: 'loading', bytes: 0 });
    let reported = 0;
    const onBytes = (bytes: number) => {
      if (Date.now() - reported < PROGRESS_MS) return;
      reported = Date.now();
      setListing({ phase: 'loading', bytes });
    };
    (async () => {
      const response = await send('GET', archive, { query: { path }, signal: controller.signal });
      let root: TarHeader | undefined;
      const entries: Entry[] = [];
      if (response.body)
        for await (const { header } of readTar(response.body, { onBytes })) {
          if (!root) {
            root = header;
            if (header.kind !== 'directory') break;
            continue;
          }
          // The tar names children under the root's own name: `etc/passwd`, `/bin/ls` for `/`.
          const prefix = root.path.endsWith('/') ? root.path : `${root.path}/`;
          if (!header.path.startsWith(prefix)) continue;
          const name = header.path.slice(prefix.length).replace(/\/$/, '');
          if (name && !name.includes('/')) entries.push({ ...header, name });
        }
      setListing({ phase: 'listed', root, entries: entries.sort(byKindThenName) });
    })().catch((error: unknown) => {
      if (!controller.signal.aborted) setListing({ phase: 'failed', error });
    });
    return () => controller.abort();
  }, [archive, path, tick]);
  return listing;
}

/** Saves the file at `path` as itself: the first regular file of its tar. */
async function downloadFile(archive: string, path: string): Promise<void> {
  const response = await send('GET', archive, { query: { path } });
  if (!response.body) throw new Error(`the console sent no data for ${path}`);
  for await (const { body } of readTar(response.body, { wantBody: (header) => header.kind === 'file' })) {
    if (!body) continue;
    // octet-stream: with no type Chromium sniffs text and appends .txt to the name.
    saveBlob(
      new Blob([body as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
      baseName(path),
    );
    return;
  }
  throw new Error(`${path} is not a regular file: download its directory as a tar instead`);
}

export function FilesTab({ engine, id }: { engine: string; id: string }) {
  const { search } = useLocation();
  const directory = normalize(search.get('path') ?? '/');
  const [tick, setTick] = useState(0);
  const [typed, setTyped] = useState(directory);
  const [downloading, setDownloading] = useState<string>();
  const feedback = useFeedback();
  const archive = enginePath(engine, 'containers', id, 'archive');
  const listing = useListing(archive, directory, tick);
  useEffect(() => setTyped(directory), [directory]);

  const open = (path: string) => setSearch({ path: path === '/' ? undefined : path });
  const goTo = (event: FormEvent) => {
    event.preventDefault();
    open(normalize(typed));
  };
  const download = async (path: string) => {
    setDownloading(path);
    try {
      await downloadFile(archive, path);
    } catch (error) {
      feedback.fail(error, `Download of ${path}`);
    } finally {
      setDownloading(undefined);
    }
  };
  const tarLink = (path: string) => withQuery(archive, { path });

  return (
    <div className="files-tab">
      <div className="toolbar files-toolbar">
        <nav aria-label="Breadcrumb">
          <ol className="breadcrumb">
            {ancestors(directory).map((step) => (
              <li key={step}>
                {step === directory ? (
                  <span aria-current="location">{baseName(step)}</span>
                ) : (
                  <button type="button" className="link-button" onClick={() => open(step)}>
                    {baseName(step)}
                  </button>
                )}
              </li>
            ))}
          </ol>
        </nav>
        <form className="files-goto" onSubmit={goTo}>
          <label htmlFor="files-goto" className="visually-hidden">
            Go to path
          </label>
          <input id="files-goto" value={typed} onChange={(event) => setTyped(event.target.value)} />
          <Button type="submit">Go</Button>
        </form>
        <Button onClick={() => setTick((value) => value + 1)} busy={listing.phase === 'loading'}>
          Refresh
        </Button>
        <a className="button" href={tarLink(directory)} download>
          Download directory (.tar)
        </a>
      </div>
      {listing.phase === 'loading' ? (
        <Empty>
          Reading {directory}… {listing.bytes ? `${formatBytes(listing.bytes)} so far` : ''}
        </Empty>
      ) : listing.phase === 'failed' ? (
        <ErrorBox error={listing.error} title={`Listing ${directory}`} />
      ) : listing.root && listing.root.kind !== 'directory' ? (
        <div className="panel">
          <p>
            {directory} is{' '}
            {listing.root.kind === 'symlink' ? `a link to ${listing.root.linkTarget}` : 'a file'} (
            {formatBytes(listing.root.size)}).
          </p>
          {listing.root.kind === 'symlink' ? (
            <Button onClick={() => open(resolveLink(join(directory, '..'), listing.root?.linkTarget ?? ''))}>
              Follow link
            </Button>
          ) : (
            <Button busy={downloading === directory} onClick={() => download(directory)}>
              Download
            </Button>
          )}
        </div>
      ) : listing.entries.length === 0 ? (
        <Empty>{directory} is empty.</Empty>
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
            {listing.entries.map((entry) => {
              const path = join(directory, entry.name);
              return (
                <tr key={entry.name}>
                  <td className="files-name">
                    {entry.kind === 'directory' ? (
                      <button type="button" className="link-button" onClick={() => open(path)}>
                        {entry.name}/
                      </button>
                    ) : entry.kind === 'symlink' ? (
                      <>
                        <button
                          type="button"
                          className="link-button"
                          onClick={() => open(resolveLink(directory, entry.linkTarget))}
                        >
                          {entry.name}
                        </button>
                        <span className="muted"> → {entry.linkTarget}</span>
                      </>
                    ) : (
                      entry.name
                    )}
                  </td>
                  <td>{entry.kind === 'file' ? formatBytes(entry.size) : ''}</td>
                  <td className="wide-only mono">{modeString(entry.kind, entry.mode)}</td>
                  <td className="wide-only">{formatTime(entry.mtime)}</td>
                  <td className="files-actions">
                    {entry.kind === 'file' ? (
                      <Button
                        busy={downloading === path}
                        aria-label={`Download ${entry.name}`}
                        onClick={() => download(path)}
                      >
                        Download
                      </Button>
                    ) : entry.kind === 'directory' ? (
                      <a
                        className="button"
                        href={tarLink(path)}
                        download
                        aria-label={`Download ${entry.name} as tar`}
                      >
                        .tar
                      </a>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
