/**
 * `npm start`: makes sure a local engine runs (installing and starting dockerd on a fresh Debian
 * machine, see local-engine.ts), then runs the console in the foreground — `gantry-server serve`
 * with the default data directory, or whatever flags follow `npm start --`. On first start it
 * prints the one-time setup token. Ctrl-C stops it.
 *
 *   npm start                      # http://127.0.0.1:8080
 *   npm start -- --port 9000 --host 0.0.0.0
 */
import { ensureLocalEngine } from './local-engine.ts';

try {
  await ensureLocalEngine();
} catch (error) {
  // The console runs without its engine too (shown as down, reconnected with backoff): say why.
  console.error(`[gantry] ${error instanceof Error ? error.message : String(error)}`);
}
// The server's own entry: reads the flags from process.argv, handles signals, and exits.
await import('@gantry/server/main');
