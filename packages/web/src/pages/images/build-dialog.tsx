/**
 * Build an image from a Dockerfile typed here, or from a context: a .tar file sent as is, or a
 * folder's files packed into a tar in the browser. The daemon's output streams into a log panel.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { enginePath, type RequestOptions } from '../../api/client.ts';
import { Link } from '../../router.tsx';
import { ErrorBox, Field, formatBytes, shortId, Tabs, TextField } from '../../ui/controls.tsx';
import { Modal } from '../../ui/feedback.tsx';
import { type BuildArg, BuildArgRows, buildArgsOf } from './build-args.tsx';
import { imageHref } from './image-ref.ts';
import { folderFiles, tarOf } from './tar.ts';
import { LayerProgressList, TransferActions, TransferOutcome, useTransfer } from './transfer.tsx';

/** The `done` line of a build. */
interface BuildDone {
  readonly image: string;
}

type Mode = 'dockerfile' | 'upload';

const MODES: readonly { id: Mode; label: string }[] = [
  { id: 'dockerfile', label: 'Dockerfile' },
  { id: 'upload', label: 'Upload context' },
];

/** A build context ready to send, and what to tell the user about it. */
interface Context {
  readonly archive: Blob;
  readonly summary: string;
}

const listOf = (text: string) =>
  text
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter(Boolean);

export function BuildDialog({
  engine,
  onClose,
  onBuilt,
}: {
  engine: string;
  onClose: () => void;
  onBuilt: () => void;
}) {
  const [mode, setMode] = useState<Mode>('dockerfile');
  const [dockerfile, setDockerfile] = useState('');
  const [context, setContext] = useState<Context>();
  const [dockerfilePath, setDockerfilePath] = useState('');
  const [tags, setTags] = useState('');
  const [args, setArgs] = useState<readonly BuildArg[]>([]);
  const [target, setTarget] = useState('');
  const [noCache, setNoCache] = useState(false);
  const [problem, setProblem] = useState<unknown>();
  const archiveInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const log = useRef<HTMLPreElement>(null);
  const build = useTransfer<BuildDone>(onBuilt);
  const running = build.phase === 'running';

  // Follow the output as it arrives.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs for every new piece of output
  useEffect(() => {
    if (log.current) log.current.scrollTop = log.current.scrollHeight;
  }, [build.output]);

  const pickArchive = (files: FileList | null) => {
    if (folderInput.current) folderInput.current.value = '';
    const file = files?.[0];
    setContext(file ? { archive: file, summary: `${file.name}, ${formatBytes(file.size)}` } : undefined);
  };

  const pickFolder = (files: FileList | null) => {
    if (archiveInput.current) archiveInput.current.value = '';
    setProblem(undefined);
    setContext(undefined);
    if (!files || files.length === 0) return;
    try {
      const entries = folderFiles(files);
      const archive = tarOf(entries);
      const folder = files[0]?.webkitRelativePath.split('/')[0] || 'the folder';
      setContext({
        archive,
        summary: `${entries.length} files from ${folder}, ${formatBytes(archive.size)} as tar`,
      });
    } catch (error) {
      setProblem(error);
    }
  };

  const request = (): RequestOptions => {
    const buildargs = buildArgsOf(args);
    const query = {
      tags: listOf(tags),
      buildargs: buildargs ? JSON.stringify(buildargs) : undefined,
      target: target.trim() || undefined,
      nocache: noCache || undefined,
    };
    if (mode === 'dockerfile') {
      if (!dockerfile.trim()) throw new Error('write the Dockerfile first (it starts with FROM <image>)');
      return { query, body: { dockerfile } };
    }
    if (!context) throw new Error('choose a .tar file or a folder that holds the build context');
    return {
      query: { ...query, dockerfile: dockerfilePath.trim() || undefined },
      body: context.archive,
      contentType: 'application/x-tar',
    };
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    try {
      build.start(enginePath(engine, 'images', 'build'), request());
    } catch (error) {
      setProblem(error);
    }
  };

  const image = build.result?.image;
  return (
    <Modal title="Build an image" onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <Tabs tabs={MODES} current={mode} onChange={setMode} />
        <fieldset className="form plain-fieldset" disabled={running}>
          {mode === 'dockerfile' ? (
            <Field label="Dockerfile" hint="A build without a context: COPY and ADD have no files to read">
              {(id) => (
                <textarea
                  id={id}
                  rows={7}
                  spellCheck={false}
                  placeholder={'FROM alpine:3.20\nRUN apk add --no-cache curl'}
                  value={dockerfile}
                  onChange={(event) => setDockerfile(event.target.value)}
                />
              )}
            </Field>
          ) : (
            <div className="form-grid top-aligned">
              <Field label="Context archive (.tar)">
                {(id) => (
                  <input
                    id={id}
                    ref={archiveInput}
                    type="file"
                    accept=".tar,application/x-tar"
                    onChange={(event) => pickArchive(event.target.files)}
                  />
                )}
              </Field>
              <Field label="Or a context folder" hint="Its files are packed into a tar here">
                {(id) => (
                  <input
                    id={id}
                    type="file"
                    multiple
                    // React has no prop for it: the folder picker is an attribute only.
                    ref={(element) => {
                      folderInput.current = element;
                      element?.setAttribute('webkitdirectory', '');
                    }}
                    onChange={(event) => pickFolder(event.target.files)}
                  />
                )}
              </Field>
              <TextField
                label="Dockerfile path"
                placeholder="Dockerfile"
                hint="Inside the context"
                value={dockerfilePath}
                onChange={(event) => setDockerfilePath(event.target.value)}
              />
              <div className="build-context-summary" role="status">
                {context ? context.summary : 'No context chosen'}
              </div>
            </div>
          )}
          <div className="form-grid top-aligned">
            <TextField
              label="Tags"
              placeholder="team/app:1, team/app:latest"
              hint="Separated by commas or spaces"
              value={tags}
              onChange={(event) => setTags(event.target.value)}
            />
            <TextField
              label="Target stage"
              placeholder="the last stage"
              value={target}
              onChange={(event) => setTarget(event.target.value)}
            />
          </div>
          <BuildArgRows rows={args} onChange={setArgs} />
          <label className="checkbox">
            <input type="checkbox" checked={noCache} onChange={(event) => setNoCache(event.target.checked)} />
            Do not use the build cache
          </label>
        </fieldset>
        <ErrorBox error={problem} />
        {build.phase !== 'idle' ? (
          <>
            {Object.keys(build.layers).length > 0 ? (
              <LayerProgressList layers={build.layers} overall={build.overall} />
            ) : null}
            <pre className="log-view build-log" role="log" aria-label="Build output" ref={log}>
              {build.output || (running ? 'Sending the context…' : '')}
            </pre>
          </>
        ) : null}
        <TransferOutcome
          transfer={build}
          what="Build"
          done={
            image ? (
              <>
                Built {shortId(image)}
                {listOf(tags).length > 0 ? ` as ${listOf(tags).join(', ')}` : ''} —{' '}
                <Link href={imageHref(image)}>open the image</Link>
              </>
            ) : (
              'Build finished'
            )
          }
        />
        <TransferActions phase={build.phase} action="Build" onCancel={build.cancel} onClose={onClose} />
      </form>
    </Modal>
  );
}
