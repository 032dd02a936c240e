/**
 * `npm start`: makes sure a local engine runs (installing and starting dockerd on a fresh Debian
 * machine, see local-engine.ts), then runs the console in the foreground — `gantry-server serve`
 * with the default data directory (the browser UI built first when its sources changed), or whatever flags follow `npm start --`. On first start it
 * prints the one-time setup token. Ctrl-C stops it.
 *
 *   npm start                      # http://127.0.0.1:8080
 *   npm start -- --port 9000 --host 0.0.0.0
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ensureWebBuild } from '@gantry/web/build';
import { ensureLocalEngine } from './local-engine.ts';

try {
  await ensureLocalEngine();
} catch (error) {
  // The console runs without its engine too (shown as down, reconnected with backoff): say why.
  console.error(`[gantry] ${error instanceof Error ? error.message : String(error)}`);
}

try {
  await ensureWebBuild();
} catch (error) {
  // The API works without the UI: say why there is none.
  console.error(
    `[gantry] the browser UI could not be built: ${error instanceof Error ? error.message : String(error)}`,
  );
}

// The server as its own process (its lean bundled entry), not imported into this one: this script
// has loaded the TypeScript stripper and the set-up code, which the server should not carry.
const server = spawn(
  process.execPath,
  [fileURLToPath(import.meta.resolve('@gantry/server/main')), 'serve', ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => {
  process.exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
});
