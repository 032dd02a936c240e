/**
 * `gantry login`: checks credentials with the registry through the engine (`POST /auth`) and stores
 * them in the docker config exactly as `docker login` does — through the configured credential
 * helper, or base64 in `auths` with docker's warning. Without `-u`/`-p` the stored credentials are
 * tried first; a terminal is then prompted for what is missing. `--password-stdin` reads the
 * password from stdin (the safe way for scripts); `-p` works with docker's warning.
 */
import type { RegistryAuth } from '@gantry/engine';
import { defineCommand, type OptionsOf } from '../command.ts';
import { type AuthEntry, DockerConfigFile, hostnameOf, INDEX_SERVER } from '../docker-config.ts';
import { describeError, StatusError } from '../errors.ts';
import type { CommandIO, Input } from '../io.ts';
import { readLine } from '../objects.ts';

export const definition = defineCommand({
  summary: 'Authenticate to a registry',
  description: 'Authenticate to a registry.\nDefaults to Docker Hub if no server is specified.',
  usage: '[OPTIONS] [SERVER]',
  flags: {
    password: { type: 'string', short: 'p', description: 'Password or Personal Access Token (PAT)' },
    'password-stdin': {
      type: 'boolean',
      description: 'Take the Password or Personal Access Token (PAT) from stdin',
    },
    username: { type: 'string', short: 'u', description: 'Username' },
  },
  args: { server: {} },
});

export type LoginOptions = OptionsOf<typeof definition>;

const UNENCRYPTED_WARNING = (file: string) =>
  `\nWARNING! Your credentials are stored unencrypted in '${file}'.\n` +
  'Configure a credential helper to remove this warning. See\n' +
  'https://docs.docker.com/go/credential-store/\n\n';

export async function run(opts: LoginOptions, io: CommandIO): Promise<number> {
  let password = opts.password ?? '';
  const username = opts.username ?? '';
  if (password !== '' && opts.passwordStdin) {
    throw new StatusError(1, 'conflicting options: cannot specify both --password and --password-stdin');
  }
  if (opts.passwordStdin && username === '') {
    throw new StatusError(1, 'the --password-stdin option requires --username to be set');
  }
  if (password !== '')
    io.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
  if (opts.passwordStdin) password = (await readAll(io.stdin)).replace(/\n$/, '').replace(/\r$/, '');

  // As docker: `docker.io` and no server both mean Docker Hub; other servers are filed by host name.
  const server = opts.server && opts.server !== 'docker.io' ? hostnameOf(opts.server) : INDEX_SERVER;
  const config = await DockerConfigFile.load(io.env);
  const docker = await io.client();

  if (username === '' && password === '') {
    const stored = await storedCredentials(server, io);
    if (stored?.username && stored.password) {
      const status = await loginWithStored(stored, server, config, io);
      if (status !== undefined) {
        if (status) io.stdout.write(`${status}\n`);
        return 0;
      }
    }
    return loginWithPrompt(stored?.username ?? '', '', server, config, io);
  }
  if (username === '' || password === '') return loginWithPrompt(username, password, server, config, io);
  const response = await docker.system.auth({ username, password, serveraddress: server, signal: io.signal });
  await store(config, server, { username, password }, response.IdentityToken, io, true);
  if (response.Status) io.stdout.write(`${response.Status}\n`);
  return 0;
}

/** What the config holds for `server` (helper or file), as the SDK reads it. */
async function storedCredentials(server: string, io: CommandIO): Promise<RegistryAuth | undefined> {
  const { CredentialStore } = await import('@gantry/engine');
  return new CredentialStore({ env: io.env }).get(server);
}

/**
 * docker's "existing credentials" login: resolves with the daemon's status, or undefined when the
 * registry refused them (then the user is asked).
 */
async function loginWithStored(
  stored: RegistryAuth,
  server: string,
  config: DockerConfigFile,
  io: CommandIO,
): Promise<string | undefined> {
  io.stderr.write(`Authenticating with existing credentials... [Username: ${stored.username}]\n`);
  io.stderr.write(
    "\n Info -> To login with a different account, run 'docker logout' followed by 'docker login'\n\n\n",
  );
  const docker = await io.client();
  try {
    const response = await docker.system.auth({ ...stored, serveraddress: server, signal: io.signal });
    await store(
      config,
      server,
      { username: stored.username, password: stored.password },
      response.IdentityToken,
      io,
      false,
    );
    return response.Status ?? '';
  } catch (err) {
    const { EngineApiError, isAbort } = await import('@gantry/engine');
    if (isAbort(err)) throw err;
    if (err instanceof EngineApiError && err.status === 401)
      io.stderr.write('Stored credentials invalid or expired\n');
    else io.stderr.write(`Login did not succeed, error: ${(await describeError(err, false)).text}\n`);
    return undefined;
  }
}

/** Asks a terminal for the user name and password that were not given, then logs in. */
async function loginWithPrompt(
  username: string,
  password: string,
  server: string,
  config: DockerConfigFile,
  io: CommandIO,
): Promise<number> {
  if (!io.stdin.isTTY)
    throw new StatusError(1, 'Error: Cannot perform an interactive login from a non TTY device');
  let user = username;
  if (user === '' || password === '') {
    io.stdout.write(username ? `Username (${username}): ` : 'Username: ');
    const typed = (await readLine(io.stdin, io.signal)).trim();
    user = typed || username;
  }
  if (user === '') throw new StatusError(1, 'Error: Non-null Username Required');
  let secret = password;
  if (secret === '') {
    io.stdout.write('Password: ');
    secret = await readHidden(io.stdin, io.signal);
    io.stdout.write('\n');
  }
  if (secret === '') throw new StatusError(1, 'Error: Password Required');
  const docker = await io.client();
  const response = await docker.system.auth({
    username: user,
    password: secret,
    serveraddress: server,
    signal: io.signal,
  });
  await store(config, server, { username: user, password: secret }, response.IdentityToken, io, true);
  if (response.Status) io.stdout.write(`${response.Status}\n`);
  return 0;
}

/**
 * Stores what worked: an identity token from the registry replaces the password, as docker does.
 * `warn`: say so when the file (not a helper) now holds the password.
 */
async function store(
  config: DockerConfigFile,
  server: string,
  auth: AuthEntry,
  identityToken: string | undefined,
  io: CommandIO,
  warn: boolean,
): Promise<void> {
  const entry: AuthEntry = identityToken ? { username: auth.username, identitytoken: identityToken } : auth;
  const where = await config.storeCredentials(server, entry);
  if (warn && where === 'file') io.stderr.write(UNENCRYPTED_WARNING(config.path));
}

async function readAll(input: Input): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** A line typed without echo (raw mode): Enter ends it, Backspace deletes, Ctrl-C cancels. */
function readHidden(input: Input, signal: AbortSignal): Promise<string> {
  if (!input.setRawMode) return readLine(input, signal);
  input.setRawMode(true);
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (error?: unknown) => {
      input.off('data', onData);
      signal.removeEventListener('abort', onAbort);
      input.setRawMode?.(false);
      input.pause();
      if (error) reject(error);
      else resolve(text);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\x03') return finish(new StatusError(130));
        if (char === '\x7f' || char === '\b') text = text.slice(0, -1);
        else text += char;
      }
    };
    const onAbort = () => finish(signal.reason);
    input.on('data', onData);
    signal.addEventListener('abort', onAbort, { once: true });
    input.resume();
  });
}
