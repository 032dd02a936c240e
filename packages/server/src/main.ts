/**
 * The `gantry-server` process — the only place in the server that exits.
 *
 *   gantry-server [serve] [--host H] [--port P] [--data-dir D] [--database-url URL] ...
 *   gantry-server audit verify [config flags]          exit 0: the chain is intact, 1: problems found
 *   gantry-server audit export [--output FILE] [config flags]   JSON Lines, oldest first
 *
 * `gantry serve` / `gantry audit` (the CLI) spawn this program with their arguments.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';

const USAGE = `Usage:
  gantry-server [serve] [OPTIONS]                   run the console
  gantry-server audit verify [OPTIONS]              check the audit log's hash chain (exit 1 on problems)
  gantry-server audit export [--output FILE] [OPTIONS]   write the audit log as JSON Lines

OPTIONS are the console's configuration (the same for every command, so audit commands open the
same database): run \`gantry-server serve --help\` for the list.
`;

const FORWARDED_SIGNAL_WINDOW_MS = 1000;

async function main(argv: readonly string[]): Promise<number> {
  const [first, second] = argv;
  if (first === 'audit') {
    if (second === 'verify') return auditVerify(argv.slice(2));
    if (second === 'export') return auditExport(argv.slice(2));
    process.stderr.write(`gantry-server audit: expected 'verify' or 'export'\n\n${USAGE}`);
    return 2;
  }
  if (first === 'help' || first === '--help' || first === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (first === undefined || first === 'serve') return serve(argv.slice(first === 'serve' ? 1 : 0));
  if (first.startsWith('-')) return serve(argv);
  process.stderr.write(`gantry-server: unknown command '${first}'\n\n${USAGE}`);
  return 2;
}

/** Configuration errors are the user's to fix: the message, no stack, exit 2. */
async function configuration(argv: readonly string[]) {
  const { ConfigError, loadConfig } = await import('./config.ts');
  try {
    return loadConfig(argv, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`gantry-server: ${error.message}\n`);
      return undefined;
    }
    throw error;
  }
}

async function serve(argv: readonly string[]): Promise<number> {
  const { CONFIG_HELP, wantsHelp } = await import('./config.ts');
  if (wantsHelp(argv)) {
    process.stdout.write(`Usage: gantry-server serve [OPTIONS]\n\n${CONFIG_HELP}\n`);
    return 0;
  }
  const config = await configuration(argv);
  if (!config) return 2;
  const { startConsole } = await import('./app.ts');
  const running = await startConsole(config);
  // A promise some background task left without a handler would end the process (Node's default)
  // and every user's session with it: it is logged, with its stack, and the console serves on.
  process.on('unhandledRejection', (reason) => {
    running.services.log.error('unhandled promise rejection', {
      error: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason),
    });
    running.services.metrics.increment('unhandled_rejections_total');
  });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  running.services.log.info('shutting down', { signal });
  // Another signal while closing stops waiting — unless it arrives within a second: a terminal's
  // Ctrl-C reaches both `gantry serve` and this process, which then forwards it once more.
  const firstAt = Date.now();
  const force = () => {
    if (Date.now() - firstAt > FORWARDED_SIGNAL_WINDOW_MS) process.exit(1);
  };
  process.on('SIGINT', force);
  process.on('SIGTERM', force);
  await running.close();
  return 0;
}

/** The database the configuration names, migrated, for the offline audit commands. */
async function openConfiguredDatabase(argv: readonly string[]) {
  const config = await configuration(argv);
  if (!config) return undefined;
  const { openConsoleDatabase } = await import('./app.ts');
  return { config, db: await openConsoleDatabase(config) };
}

async function auditVerify(argv: readonly string[]): Promise<number> {
  const opened = await openConfiguredDatabase(argv);
  if (!opened) return 2;
  const { verifyAuditLog } = await import('./app.ts');
  try {
    const report = await verifyAuditLog(opened.config, opened.db, process.env);
    process.stdout.write(`${report.text}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await opened.db.close();
  }
}

async function auditExport(argv: readonly string[]): Promise<number> {
  const outputIndex = argv.findIndex(
    (arg) => arg === '--output' || arg === '-o' || arg.startsWith('--output='),
  );
  let output: string | undefined;
  let rest = argv;
  if (outputIndex >= 0) {
    const arg = argv[outputIndex] as string;
    output = arg.startsWith('--output=') ? arg.slice('--output='.length) : argv[outputIndex + 1];
    if (!output) {
      process.stderr.write('gantry-server audit export: --output needs a file name\n');
      return 2;
    }
    rest = argv.filter(
      (_, index) => index !== outputIndex && (arg.includes('=') || index !== outputIndex + 1),
    );
  }
  const opened = await openConfiguredDatabase(rest);
  if (!opened) return 2;
  const sink: Writable = output ? createWriteStream(output, { mode: 0o600 }) : process.stdout;
  try {
    const { exportAuditLog } = await import('./app.ts');
    let rows = 0;
    for await (const line of exportAuditLog(opened.config, opened.db, process.env)) {
      rows++;
      if (!sink.write(line)) await once(sink, 'drain');
    }
    if (output) {
      await new Promise<void>((resolve, reject) =>
        sink.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      process.stderr.write(`wrote ${rows} audit rows to ${output}\n`);
    }
    return 0;
  } finally {
    await opened.db.close();
  }
}

// A reader that stops early (`gantry audit export | head`) is not a failure of ours: end quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`gantry-server: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
});
await new Promise((resolve) => process.stdout.write('', resolve));
process.exit(code);
