/**
 * What `secret` and `config` commands share — the two are the same kind of object (named data
 * stored in the swarm) with the same verbs: reading the data from a file or stdin, listing, the
 * `--pretty` view and removal. Each command file declares docker's flags and calls in here.
 */
import { readFile } from 'node:fs/promises';
import type { Config, Secret } from '@gantry/engine';
import { StatusError } from './errors.ts';
import { toFilters } from './flags.ts';
import { CONFIG_TABLE, configRow, SECRET_TABLE, SWARM_DATA_HEADERS, secretRow } from './formatters/swarm.ts';
import { printInspect } from './inspect.ts';
import type { CommandIO } from './io.ts';
import { removeEach } from './objects.ts';
import { headerContext, renderRows } from './output/format.ts';
import { naturalSort } from './output/natural-sort.ts';
import { goTimeStringNano } from './output/time.ts';

export type SwarmDataKind = 'secret' | 'config';

/** The data of `create`: the file's bytes, or all of stdin for `-`. */
export async function readData(source: string, io: CommandIO): Promise<Buffer> {
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(source);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StatusError(
      1,
      `error reading content from "${source}": ${code === 'ENOENT' ? `open ${source}: no such file or directory` : (err as Error).message}`,
      { cause: err },
    );
  }
}

/** `secret ls` / `config ls`: sorted by name, docker's table, JSON lines or a template; `-q` ids. */
export async function listSwarmData(
  kind: SwarmDataKind,
  opts: { filter: readonly string[]; format: string | undefined; quiet: boolean },
  io: CommandIO,
): Promise<number> {
  const docker = await io.client();
  const query = { filters: toFilters(opts.filter), signal: io.signal };
  const now = io.now();
  const rows =
    kind === 'secret'
      ? naturalSort(await docker.secrets.list(query), (item) => item.Spec?.Name ?? '').map((item) =>
          secretRow(item, now),
        )
      : naturalSort(await docker.configs.list(query), (item) => item.Spec?.Name ?? '').map((item) =>
          configRow(item, now),
        );
  const format = opts.format ?? '';
  const table = kind === 'secret' ? SECRET_TABLE : CONFIG_TABLE;
  const chosen = format === '' || format === 'table' ? (opts.quiet ? '{{.ID}}' : table) : format;
  io.stdout.write(renderRows(chosen, rows, headerContext(SWARM_DATA_HEADERS)));
  return 0;
}

/** `secret inspect` / `config inspect`: JSON or a template, or docker's `--pretty` text. */
export async function inspectSwarmData(
  kind: SwarmDataKind,
  opts: { names: readonly string[]; format: string | undefined; pretty: boolean },
  io: CommandIO,
): Promise<number> {
  const docker = await io.client();
  const lookup = (name: string): Promise<Secret | Config> =>
    kind === 'secret'
      ? docker.secrets.inspect(name, { signal: io.signal })
      : docker.configs.inspect(name, { signal: io.signal });
  if (!opts.pretty) return printInspect(opts.names, lookup, opts.format, io);
  const { describeError } = await import('./errors.ts');
  let failed = false;
  const texts: string[] = [];
  for (const name of opts.names) {
    try {
      texts.push(prettyText(kind, await lookup(name)));
    } catch (err) {
      failed = true;
      io.stderr.write(`${(await describeError(err, io.debug)).text}\n`);
    }
  }
  io.stdout.write(texts.join('\n'));
  return failed ? 1 : 0;
}

/** docker's `--pretty` layout (its tabs and spacing, times lower-cased as docker prints them). */
function prettyText(kind: SwarmDataKind, item: Secret | Config): string {
  const time = (value: string | undefined) => goTimeStringNano(value).toLowerCase();
  const labels = Object.entries(item.Spec?.Labels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `\n - ${key}${value ? `=${value}` : ''}`)
    .join('');
  if (kind === 'secret') {
    const driver = (item as Secret).Spec?.Driver?.Name ?? '';
    return (
      `ID:              ${item.ID ?? ''}\nName:              ${item.Spec?.Name ?? ''}\nLabels:${labels}\n` +
      `Driver:            ${driver}\nCreated at:        ${time(item.CreatedAt)}\n` +
      `Updated at:        ${time(item.UpdatedAt)}\n`
    );
  }
  const data = Buffer.from((item as Config).Spec?.Data ?? '', 'base64').toString('utf8');
  return (
    `ID:\t\t\t${item.ID ?? ''}\nName:\t\t\t${item.Spec?.Name ?? ''}\nLabels:${labels}\n` +
    `Created at:            \t${time(item.CreatedAt)}\nUpdated at:            \t${time(item.UpdatedAt)}\n` +
    `Data:\n${data}\n`
  );
}

/** `secret rm` / `config rm`: each in turn, the name printed once removed. */
export async function removeSwarmData(
  kind: SwarmDataKind,
  names: readonly string[],
  io: CommandIO,
): Promise<number> {
  const docker = await io.client();
  const remove = (name: string) =>
    kind === 'secret'
      ? docker.secrets.remove(name, { signal: io.signal })
      : docker.configs.remove(name, { signal: io.signal });
  return removeEach(names, remove, io);
}
