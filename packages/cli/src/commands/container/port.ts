/**
 * `gantry port` / `container port`: where the container's ports are published — all of them
 * (`80/tcp -> 0.0.0.0:8080`, sorted as docker sorts them) or the host addresses of one.
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';
import { naturalCompare } from '../../output/natural-sort.ts';

export const definition = defineCommand({
  summary: 'List port mappings or a specific mapping for the container',
  usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  flags: {},
  args: { container: { required: true }, privatePort: {} },
});

export type PortOptions = OptionsOf<typeof definition>;

export async function run(opts: PortOptions, io: CommandIO): Promise<number> {
  const wanted = opts.privatePort === undefined ? undefined : portKey(opts.privatePort);
  const docker = await io.client();
  const info = await docker.containers.inspect(opts.container, { signal: io.signal });
  const ports = info.NetworkSettings?.Ports ?? {};
  if (wanted !== undefined) {
    const bindings = ports[wanted] ?? [];
    if (bindings.length === 0)
      throw new StatusError(1, `Error: No public port '${opts.privatePort}' published for ${opts.container}`);
    io.stdout.write(bindings.map((binding) => `${hostAddress(binding)}\n`).join(''));
    return 0;
  }
  const lines = Object.entries(ports).flatMap(([port, bindings]) =>
    (bindings ?? []).map((binding) => `${port} -> ${hostAddress(binding)}`),
  );
  io.stdout.write(
    lines
      .sort(naturalCompare)
      .map((line) => `${line}\n`)
      .join(''),
  );
  return 0;
}

/** `80` -> `80/tcp`, `53/udp` as given; the port must be a number (docker's message otherwise). */
function portKey(text: string): string {
  const [port = '', protocol = 'tcp'] = text.split('/', 2);
  if (!/^\d+$/.test(port) || Number(port) > 65535)
    throw new StatusError(
      1,
      `Error: invalid port (${port}): strconv.ParseUint: parsing ${JSON.stringify(port)}: invalid syntax`,
    );
  return `${port}/${protocol}`;
}

/** `0.0.0.0:8080`, `[::]:8080`. */
function hostAddress(binding: { HostIp?: string; HostPort?: string }): string {
  const ip = binding.HostIp ?? '';
  return `${ip.includes(':') ? `[${ip}]` : ip}:${binding.HostPort ?? ''}`;
}
