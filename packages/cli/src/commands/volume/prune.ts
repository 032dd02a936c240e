/** `gantry volume prune`: remove volumes no container uses (anonymous ones only, unless `-a`). */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { toFilters } from '../../flags.ts';
import type { CommandIO } from '../../io.ts';
import { confirm, deletedSection, pruneFilterFlag, reclaimedLine } from '../../objects.ts';

const WARNING = 'WARNING! This will remove anonymous local volumes not used by at least one container.';
const WARNING_ALL = 'WARNING! This will remove all local volumes not used by at least one container.';

export const definition = defineCommand({
  summary: 'Remove unused local volumes',
  usage: '[OPTIONS]',
  flags: {
    all: {
      type: 'boolean',
      short: 'a',
      description: 'Remove all unused volumes, not just anonymous ones',
    },
    filter: pruneFilterFlag('Provide filter values (e.g. "label=<label>")'),
    force: { type: 'boolean', short: 'f', description: 'Do not prompt for confirmation' },
  },
  args: {},
});

export type VolumePruneOptions = OptionsOf<typeof definition>;

export async function run(opts: VolumePruneOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const given = toFilters(opts.filter);
  if (opts.all && given.all)
    throw new Error('conflicting options: cannot specify both --all and --filter all=1');
  const filters = opts.all ? { ...given, all: ['true'] } : given;
  // Engines before API 1.42 prune every unused volume: the prompt says so, as docker's does.
  const { compareVersions } = await import('@gantry/engine');
  const anonymousOnly = compareVersions(await docker.apiVersion({ signal: io.signal }), '1.42') >= 0;
  if (opts.all && !anonymousOnly)
    throw new Error(
      `"--all" requires API version 1.42, but the Docker daemon API version is ${await docker.apiVersion()}`,
    );
  const warning = opts.all || !anonymousOnly ? WARNING_ALL : WARNING;
  if (!opts.force && !(await confirm(io, warning))) return 0;
  const result = await docker.volumes.prune({ filters, signal: io.signal });
  io.stdout.write(deletedSection('Deleted Volumes:', result.VolumesDeleted));
  io.stdout.write(reclaimedLine(result.SpaceReclaimed ?? 0));
  return 0;
}
