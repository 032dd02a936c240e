/** `gantry top` / `container top`: the container's processes as `ps` shows them (extra words are ps options). */
import { defineCommand, type OptionsOf } from '../../command.ts';
import type { CommandIO } from '../../io.ts';
import { alignColumns } from '../../output/tabwriter.ts';

export const definition = defineCommand({
  summary: 'Display the running processes of a container',
  usage: 'CONTAINER [ps OPTIONS]',
  flags: {},
  args: { container: { required: true }, psOptions: { variadic: true } },
  interspersed: false,
});

export type TopOptions = OptionsOf<typeof definition>;

export async function run(opts: TopOptions, io: CommandIO): Promise<number> {
  const docker = await io.client();
  const top = await docker.containers.top(opts.container, {
    ...(opts.psOptions.length > 0 ? { ps_args: opts.psOptions.join(' ') } : {}),
    signal: io.signal,
  });
  const rows = [top.Titles ?? [], ...(top.Processes ?? [])].map((row) => row.join('\t'));
  // docker's top table: columns at least 20 wide, padding 3.
  io.stdout.write(alignColumns(`${rows.join('\n')}\n`, { minWidth: 20, padding: 3 }));
  return 0;
}
