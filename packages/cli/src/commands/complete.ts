/**
 * `gantry __complete -- <words after gantry…> <current word>`: the candidates the completion
 * scripts offer, one `value\tdescription` per line, then `:<directive>` (cobra's protocol; see
 * completion/candidates.ts). Hidden. Engine names come from the engine the typed global flags
 * (`-H`, `--context`, `--tls…`) select, else the one gantry would use; an engine that does not
 * answer within 2 s gives no names rather than a stuck shell.
 */
import type { DockerClient } from '@gantry/engine';
import { parseFlags } from '../args.ts';
import { defineCommand, type OptionsOf } from '../command.ts';
import { type ContainerState, complete, type EngineNames } from '../completion/candidates.ts';
import { connectOptions, globalFlags } from '../global-flags.ts';
import type { CommandIO } from '../io.ts';

export const definition = defineCommand({
  summary: 'Request shell completion choices for the specified command-line',
  usage: '-- [WORDS...]',
  flags: {},
  args: { words: { variadic: true } },
  interspersed: false,
});

export type CompleteOptions = OptionsOf<typeof definition>;

/** How long the engine may take to list names before completion gives up on them, in ms. */
const ENGINE_TIMEOUT_MS = 2000;

/** `docker ps --filter status=…` values for each state an argument takes. */
const STATUS_FILTER: Readonly<Record<ContainerState, readonly string[] | undefined>> = {
  all: undefined,
  running: ['running'],
  stopped: ['created', 'exited'],
  paused: ['paused'],
};

export async function run(opts: CompleteOptions, io: CommandIO): Promise<number> {
  const signal = AbortSignal.any([io.signal, AbortSignal.timeout(ENGINE_TIMEOUT_MS)]);
  let client: Promise<DockerClient> | undefined;
  let ownClient = false;
  const engineFor = (globalWords: readonly string[]): EngineNames => {
    const docker = () => {
      if (!client) {
        ownClient = globalWords.length > 0;
        client = ownClient ? connectTo(globalWords, io) : io.client();
      }
      return client;
    };
    return {
      containers: async (state) => {
        const status = STATUS_FILTER[state];
        const list = await (await docker()).containers.list({
          all: state !== 'running',
          ...(status ? { filters: { status: [...status] } } : {}),
          signal,
        });
        return list.flatMap(
          (container) => container.Names?.slice(0, 1).map((name) => name.replace(/^\//, '')) ?? [],
        );
      },
      images: async () => {
        const list = await (await docker()).images.list({ signal });
        return list.flatMap((image) => (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'));
      },
      networks: async () =>
        (await (await docker()).networks.list({ signal })).map((network) => network.Name ?? ''),
      volumes: async () =>
        ((await (await docker()).volumes.list({ signal })).Volumes ?? []).map((volume) => volume.Name),
    };
  };
  try {
    const { candidates, directive } = await complete(opts.words, engineFor);
    const lines = candidates.map(({ value, description }) =>
      description ? `${value}\t${firstLine(description)}` : value,
    );
    io.stdout.write([...lines, `:${directive}`, ''].join('\n'));
    return 0;
  } finally {
    if (client && ownClient) await client.then((docker) => docker.close()).catch(() => undefined);
  }
}

/** A client for the global flags typed on the command line being completed (`gantry -H x ps <Tab>`). */
async function connectTo(globalWords: readonly string[], io: CommandIO): Promise<DockerClient> {
  const parsed = parseFlags(globalWords, globalFlags, {
    commandPath: 'gantry',
    usage: 'gantry [OPTIONS] COMMAND',
    interspersed: false,
  });
  const { connect } = await import('@gantry/engine');
  return connect(connectOptions(parsed, io.env));
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] as string;
}
