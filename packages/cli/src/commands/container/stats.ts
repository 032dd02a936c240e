/**
 * `gantry stats` / `container stats`: CPU, memory, network and block I/O of containers — one table
 * with `--no-stream`, otherwise redrawn every second (in place on a terminal) until Ctrl-C. Without
 * names: the running containers (`-a`: all), the list refreshed as containers come and go.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DockerClient, StatsSample } from '@gantry/engine';
import { defineCommand, type OptionsOf } from '../../command.ts';
import { formatFlag } from '../../flags.ts';
import {
  DEFAULT_STATS_TABLE,
  STATS_HEADERS,
  type StatsFigures,
  type StatsHelpers,
  statsFigures,
  statsRow,
} from '../../formatters/stats.ts';
import type { CommandIO } from '../../io.ts';
import { headerContext, renderRows } from '../../output/format.ts';
import { truncateId } from '../../output/units.ts';

export const definition = defineCommand({
  summary: 'Display a live stream of container(s) resource usage statistics',
  usage: '[OPTIONS] [CONTAINER...]',
  flags: {
    all: { type: 'boolean', short: 'a', description: 'Show all containers (default shows just running)' },
    format: formatFlag,
    'no-stream': { type: 'boolean', description: 'Disable streaming stats and only pull the first result' },
    'no-trunc': { type: 'boolean', description: 'Do not truncate output' },
  },
  args: { containers: { variadic: true } },
});

export type StatsOptions = OptionsOf<typeof definition>;

/** Clear the screen and go home before each redraw on a terminal. */
const CLEAR_SCREEN = '\x1b[2J\x1b[H';
const REDRAW_MS = 1000;

/** A container being watched: what the user called it (or its short id), and its latest figures. */
interface Target {
  readonly container: string;
  figures?: StatsFigures;
}

export async function run(opts: StatsOptions, io: CommandIO): Promise<number> {
  const format = !opts.format || opts.format === 'table' ? DEFAULT_STATS_TABLE : opts.format;
  const docker = await io.client();
  const helpers: StatsHelpers = await import('@gantry/engine');
  const named = opts.containers.length > 0;
  const render = (targets: readonly Target[]) =>
    renderRows(
      format,
      targets.flatMap((target) =>
        target.figures ? [statsRow(target.container, target.figures, !opts.noTrunc)] : [],
      ),
      headerContext(STATS_HEADERS),
    );

  if (opts.noStream) {
    const ids = named ? opts.containers : await listIds(docker, opts.all, io.signal);
    const samples = await Promise.all(
      ids.map((id) => docker.containers.stats(id, { stream: false, signal: io.signal })),
    );
    const targets = ids.map((id, at) => ({
      container: named ? id : truncateId(id),
      figures: statsFigures(samples[at] as StatsSample, helpers),
    }));
    io.stdout.write(render(targets));
    return 0;
  }

  const targets = new Map<string, Target>();
  let failure: unknown;
  const watch = (id: string, container: string) => {
    const target: Target = { container };
    targets.set(id, target);
    void (async () => {
      try {
        for await (const sample of docker.containers.stats(id, { signal: io.signal }))
          target.figures = statsFigures(sample, helpers);
      } catch (err) {
        // A named container that cannot be watched ends the command (docker's behaviour); a listed
        // one that went away just leaves the table.
        if (named) failure ??= err;
      } finally {
        if (!named) targets.delete(id);
      }
    })();
  };
  if (named) for (const name of opts.containers) watch(name, name);
  for (;;) {
    if (!named) {
      const ids = await listIds(docker, opts.all, io.signal);
      for (const id of ids) if (!targets.has(id)) watch(id, truncateId(id));
    }
    await sleep(REDRAW_MS, undefined, { signal: io.signal });
    if (failure !== undefined) throw failure;
    const table = render([...targets.values()]);
    io.stdout.write(io.stdout.isTTY ? `${CLEAR_SCREEN}${table}` : table);
  }
}

async function listIds(docker: DockerClient, all: boolean, signal: AbortSignal): Promise<string[]> {
  const containers = await docker.containers.list({ all, signal });
  return containers.map((container) => container.Id ?? '').filter((id) => id !== '');
}
