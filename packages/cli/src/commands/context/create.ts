/**
 * `gantry context create`: a named context in the docker CLI's store — from `--docker
 * host=…,ca=…,cert=…,key=…,skip-tls-verify=…`, from another context (`--from`), or from the current
 * one. The TLS files are copied into the store, as docker does.
 */
import { resolve } from 'node:path';
import { defineCommand, type OptionsOf } from '../../command.ts';
import {
  checkContextName,
  contextExists,
  currentContextName,
  DEFAULT_CONTEXT,
  DEFAULT_CONTEXT_DESCRIPTION,
  type NewContext,
  readContext,
  storedTlsFiles,
  writeContext,
} from '../../context-store.ts';
import { StatusError } from '../../errors.ts';
import type { CommandIO } from '../../io.ts';

export const definition = defineCommand({
  summary: 'Create a context',
  usage: '[OPTIONS] CONTEXT',
  description:
    'Docker endpoint config:\n\n' +
    'NAME                DESCRIPTION\n' +
    "from                Copy named context's Docker endpoint configuration\n" +
    'host                Docker endpoint on which to connect\n' +
    'ca                  Trust certs signed only by this CA\n' +
    'cert                Path to TLS certificate file\n' +
    'key                 Path to TLS key file\n' +
    'skip-tls-verify     Skip TLS certificate validation\n\n' +
    'Example:\n\n' +
    '$ gantry context create my-context --description "some description" --docker "host=tcp://myserver:2376,ca=~/ca-file,cert=~/cert-file,key=~/key-file"',
  flags: {
    description: { type: 'string', description: 'Description of the context' },
    docker: {
      type: 'list',
      placeholder: 'stringToString',
      defaultText: '[]',
      description: 'set the docker endpoint',
    },
    from: { type: 'string', description: 'create context from a named context' },
  },
  args: { name: { required: true } },
});

export type ContextCreateOptions = OptionsOf<typeof definition>;

const DOCKER_KEYS = ['from', 'host', 'ca', 'cert', 'key', 'skip-tls-verify'] as const;

/** `--docker` values (each a comma-separated list of key=value) as one map; unknown keys refused. */
export function parseDockerEndpoint(values: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const value of values) {
    for (const pair of value.split(',')) {
      if (pair === '') continue;
      const at = pair.indexOf('=');
      if (at < 0)
        throw new StatusError(
          1,
          `invalid argument "${value}" for "--docker" flag: ${pair} must be formatted as key=value`,
        );
      const key = pair.slice(0, at);
      if (!(DOCKER_KEYS as readonly string[]).includes(key))
        throw new StatusError(1, `unable to create docker endpoint config: unrecognized config key: ${key}`);
      fields[key] = pair.slice(at + 1);
    }
  }
  return fields;
}

/** `~/x` as docker expands it in `ca=`, `cert=`, `key=`. */
function expandPath(path: string, env: CommandIO['env']): string {
  return resolve(path.startsWith('~/') && env.HOME ? `${env.HOME}${path.slice(1)}` : path);
}

export async function run(opts: ContextCreateOptions, io: CommandIO): Promise<number> {
  checkContextName(opts.name);
  if (contextExists(io.env, opts.name)) throw new StatusError(1, `context "${opts.name}" already exists`);
  if (opts.from !== undefined && opts.docker.length > 0)
    throw new StatusError(1, 'conflicting options: cannot specify both --from and --docker');
  const endpoint = parseDockerEndpoint(opts.docker);
  const source = opts.docker.length === 0 ? (opts.from ?? currentContextName(io)) : endpoint.from;
  let context: NewContext;
  if (source !== undefined) {
    const from = readContext(io.env, source, io.connection?.hosts);
    const description =
      from.Name === DEFAULT_CONTEXT ? DEFAULT_CONTEXT_DESCRIPTION : from.Metadata.Description;
    context = {
      name: opts.name,
      description: opts.description ?? description,
      host: from.Endpoints.docker.Host,
      skipTlsVerify: from.Endpoints.docker.SkipTLSVerify,
      tls: from.Name === DEFAULT_CONTEXT ? {} : storedTlsFiles(io.env, from.Name),
    };
  } else {
    const skip = endpoint['skip-tls-verify'];
    if (skip !== undefined && !['true', 'false', '1', '0'].includes(skip.toLowerCase()))
      throw new StatusError(
        1,
        `unable to create docker endpoint config: name: skip-tls-verify: parsing "${skip}": invalid syntax`,
      );
    const tls: NewContext['tls'] = {};
    if (endpoint.ca) tls['ca.pem'] = expandPath(endpoint.ca, io.env);
    if (endpoint.cert) tls['cert.pem'] = expandPath(endpoint.cert, io.env);
    if (endpoint.key) tls['key.pem'] = expandPath(endpoint.key, io.env);
    context = {
      name: opts.name,
      description: opts.description,
      host: endpoint.host ?? readContext(io.env, DEFAULT_CONTEXT).Endpoints.docker.Host,
      skipTlsVerify: skip === 'true' || skip === '1',
      tls,
    };
  }
  writeContext(io.env, context);
  io.stdout.write(`${opts.name}\n`);
  io.stderr.write(`Successfully created context "${opts.name}"\n`);
  return 0;
}
