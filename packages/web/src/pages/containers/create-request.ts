/**
 * The create form's values and how they become `POST /api/engines/:engine/containers` (the name in
 * the query, the Engine API's container config as the body — packages/server/src/routes/containers.ts
 * validates it), plus which form section a server field error belongs to.
 */

export interface KeyValueRow {
  key: string;
  value: string;
}

export interface PortRow {
  host: string;
  container: string;
  protocol: 'tcp' | 'udp' | 'sctp';
}

export interface MountRow {
  source: string;
  target: string;
  readOnly: boolean;
}

export type RestartName = 'no' | 'always' | 'unless-stopped' | 'on-failure';
export type MemoryUnit = 'MiB' | 'GiB';

export interface CreateForm {
  image: string;
  name: string;
  /** One argument per line. */
  command: string;
  entrypoint: string;
  env: KeyValueRow[];
  ports: PortRow[];
  mounts: MountRow[];
  /** A network name; '' leaves the engine's default (bridge). */
  network: string;
  restart: RestartName;
  maxRetries: string;
  /** Decimal CPUs (1.5); '' is unlimited. */
  cpus: string;
  memory: string;
  memoryUnit: MemoryUnit;
  labels: KeyValueRow[];
  start: boolean;
}

export const EMPTY_FORM: CreateForm = {
  image: '',
  name: '',
  command: '',
  entrypoint: '',
  env: [],
  ports: [],
  mounts: [],
  network: '',
  restart: 'no',
  maxRetries: '',
  cpus: '',
  memory: '',
  memoryUnit: 'MiB',
  labels: [],
  start: true,
};

/** Form sections that can carry an error message. */
export type Section =
  | 'image'
  | 'name'
  | 'command'
  | 'entrypoint'
  | 'env'
  | 'ports'
  | 'mounts'
  | 'network'
  | 'restart'
  | 'resources'
  | 'labels'
  | 'form';

export type FieldErrors = Partial<Record<Section, string[]>>;

/** Server field paths (`body.HostConfig.Mounts[0].Target`) by the section showing them; first match wins. */
const SECTION_OF_FIELD: readonly [prefix: string, section: Section][] = [
  ['body.Image', 'image'],
  ['query.name', 'name'],
  ['body.Cmd', 'command'],
  ['body.Entrypoint', 'entrypoint'],
  ['body.Env', 'env'],
  ['body.ExposedPorts', 'ports'],
  ['body.HostConfig.PortBindings', 'ports'],
  ['body.HostConfig.Mounts', 'mounts'],
  ['body.HostConfig.NetworkMode', 'network'],
  ['body.HostConfig.RestartPolicy', 'restart'],
  ['body.HostConfig.NanoCpus', 'resources'],
  ['body.HostConfig.Memory', 'resources'],
  ['body.Labels', 'labels'],
];

/** Groups the server's `details.fields` of a VALIDATION error by form section. */
export function fieldErrorsOf(fields: readonly { field: string; message?: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const { field, message } of fields) {
    const section = SECTION_OF_FIELD.find(([prefix]) => field.startsWith(prefix))?.[1] ?? 'form';
    errors[section] = [...(errors[section] ?? []), `${field}: ${message ?? 'invalid'}`];
  }
  return errors;
}

const BYTES_PER: Record<MemoryUnit, number> = { MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** Lines of a textarea as argv: one argument per line, spaces kept, empty lines ignored. */
function argvOf(text: string): string[] | undefined {
  const args = text.split('\n').map((line) => line.replace(/\r$/, ''));
  const kept = args.filter((line) => line.trim() !== '');
  return kept.length ? kept : undefined;
}

const blank = (row: object) => Object.values(row).every((value) => value === '' || value === false);

export interface CreateRequest {
  readonly query: { name?: string };
  readonly body: Record<string, unknown>;
}

/**
 * The request for `form`, or the problems a user can fix before asking the server (rows half
 * filled, numbers that are not numbers). Rows left entirely empty are skipped.
 */
export function createRequest(form: CreateForm): { request?: CreateRequest; errors?: FieldErrors } {
  const errors: FieldErrors = {};
  const problem = (section: Section, message: string) => {
    errors[section] = [...(errors[section] ?? []), message];
  };

  const env = form.env.filter((row) => !blank(row));
  for (const [index, row] of env.entries())
    if (!row.key.trim()) problem('env', `variable ${index + 1} has a value but no name`);

  const labels: Record<string, string> = {};
  for (const [index, row] of form.labels.filter((item) => !blank(item)).entries()) {
    if (!row.key.trim()) problem('labels', `label ${index + 1} has a value but no key`);
    labels[row.key.trim()] = row.value;
  }

  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, { HostPort: string }[]> = {};
  for (const [index, row] of form.ports.filter((item) => !blank({ ...item, protocol: '' })).entries()) {
    const container = row.container.trim();
    if (!/^\d{1,5}$/.test(container)) {
      problem('ports', `port ${index + 1}: the container port must be a number (1-65535)`);
      continue;
    }
    const host = row.host.trim();
    if (host && !/^\d{1,5}$/.test(host))
      problem('ports', `port ${index + 1}: the host port must be a number, or empty to let the engine pick`);
    const key = `${container}/${row.protocol}`;
    exposed[key] = {};
    bindings[key] = [...(bindings[key] ?? []), { HostPort: host }];
  }

  const mounts = form.mounts
    .filter((row) => !blank(row))
    .map((row, index) => {
      const source = row.source.trim();
      const target = row.target.trim();
      if (!target) problem('mounts', `mount ${index + 1} needs a target path in the container`);
      // A path is a bind mount of the host; a bare name is a named volume; nothing is an anonymous one.
      const bind = source.startsWith('/');
      return {
        Type: bind ? 'bind' : 'volume',
        ...(source ? { Source: source } : {}),
        Target: target,
        ReadOnly: row.readOnly,
      };
    });

  const number = (text: string, section: Section, what: string, integer = false) => {
    if (!text.trim()) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
      problem(section, `${what} must be a ${integer ? 'whole ' : ''}number above 0`);
      return undefined;
    }
    return value;
  };
  const cpus = number(form.cpus, 'resources', 'CPUs');
  const memory = number(form.memory, 'resources', 'Memory');
  const maxRetries =
    form.restart === 'on-failure' ? number(form.maxRetries, 'restart', 'Maximum retries', true) : undefined;

  if (!form.image.trim()) problem('image', 'the image to create the container from is required');
  if (Object.keys(errors).length) return { errors };

  const hostConfig: Record<string, unknown> = {
    RestartPolicy: {
      Name: form.restart,
      ...(maxRetries !== undefined ? { MaximumRetryCount: maxRetries } : {}),
    },
  };
  if (Object.keys(bindings).length) hostConfig.PortBindings = bindings;
  if (mounts.length) hostConfig.Mounts = mounts;
  if (form.network) hostConfig.NetworkMode = form.network;
  // NanoCpus: billionths of a CPU; Memory: bytes.
  if (cpus !== undefined) hostConfig.NanoCpus = Math.round(cpus * 1e9);
  if (memory !== undefined) hostConfig.Memory = Math.round(memory * BYTES_PER[form.memoryUnit]);

  const body: Record<string, unknown> = { Image: form.image.trim(), HostConfig: hostConfig };
  const cmd = argvOf(form.command);
  if (cmd) body.Cmd = cmd;
  const entrypoint = argvOf(form.entrypoint);
  if (entrypoint) body.Entrypoint = entrypoint;
  if (env.length) body.Env = env.map((row) => `${row.key.trim()}=${row.value}`);
  if (Object.keys(exposed).length) body.ExposedPorts = exposed;
  if (Object.keys(labels).length) body.Labels = labels;
  const name = form.name.trim();
  return { request: { query: name ? { name } : {}, body } };
}
