/**
 * `gantry serve` and `gantry audit …` run the console server as its own program (`@gantry/server`'s
 * `main` entry, on this same Node): the CLI never imports the server, it spawns it with the flags it
 * was given, lends it the terminal, forwards the signals it receives and exits with its exit code.
 */
import type { FlagSpec } from './command.ts';
import { StatusError } from './errors.ts';
import type { CommandIO } from './io.ts';

/** The console's configuration flags (the server validates them; `gantry-server serve --help` lists them). */
export const serverConfigFlags = {
  host: { type: 'string', description: 'Address to listen on (default 127.0.0.1)' },
  port: { type: 'string', description: 'TCP port to listen on (default 8080; 0 picks a free one)' },
  'data-dir': { type: 'string', description: 'Where the SQLite database and the secret key file live' },
  'database-url': { type: 'string', description: 'postgres://… to use PostgreSQL instead of SQLite' },
  config: { type: 'string', description: 'JSON config file' },
  'allowed-origin': {
    type: 'list',
    description: "Origin allowed besides the console's own (repeatable)",
    defaultText: '',
  },
  'local-engine': {
    type: 'string',
    description: 'Engine added as the first one on first start (default: -H, else what docker would use)',
  },
  'session-idle': { type: 'string', description: 'Minutes a session stays valid without use' },
  'audit-retention-days': { type: 'string', description: 'Prune audit rows older than this' },
  'body-limit': { type: 'string', description: 'Largest request body accepted (bytes, or with k / m)' },
  'log-level': {
    type: 'string',
    description: 'Least severe log records written: debug, info, warn or error',
  },
} as const satisfies Record<string, FlagSpec>;

const camel = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/**
 * The flags given on the command line, as arguments for the server. `-H` (the global engine flag)
 * becomes `--local-engine` unless that is given too.
 */
export function serverArguments(
  opts: { readonly changed: ReadonlySet<string> } & Record<string, unknown>,
  flags: Readonly<Record<string, FlagSpec>>,
  io: CommandIO,
): string[] {
  const args: string[] = [];
  for (const name of Object.keys(flags)) {
    if (!opts.changed.has(name)) continue;
    const value = opts[camel(name)];
    if (Array.isArray(value)) for (const item of value) args.push(`--${name}`, String(item));
    else if (value !== undefined) args.push(`--${name}`, String(value));
  }
  const host = io.connection?.hosts[0];
  if (host && !opts.changed.has('local-engine') && Object.hasOwn(flags, 'local-engine')) {
    args.push('--local-engine', host);
  }
  return args;
}

/** Signals a server should get when the user sends them to `gantry` (a terminal's Ctrl-C reaches both). */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Runs `gantry-server <args…>` in the foreground; resolves with its exit code (128 + n if killed by signal n). */
export async function runServerProgram(args: readonly string[], io: CommandIO): Promise<number> {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const { constants } = await import('node:os');
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve('@gantry/server/main'));
  } catch {
    throw new StatusError(1, 'the console server (@gantry/server) is not installed next to gantry');
  }
  const child = spawn(process.execPath, [entry, ...args], {
    stdio: 'inherit',
    env: io.env as NodeJS.ProcessEnv,
  });
  const release = io.trapSignals((signal) => {
    if (FORWARDED.includes(signal)) child.kill(signal);
  });
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) =>
        resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)),
      );
    });
  } finally {
    release();
  }
}
