/**
 * The `gantry` process: the only place that exits. Node's compile cache is switched on before any
 * other module loads, then the CLI (and, lazily, the one command asked for) is imported.
 *
 *   node packages/cli/src/main.ts ps -a
 */
import module from 'node:module';

module.enableCompileCache?.();

const { runCli } = await import('./cli.ts');
const { drained, processEnvironment, signalsTrapped } = await import('./process-io.ts');

const interrupt = new AbortController();
process.on('SIGINT', () => {
  // run / attach with --sig-proxy forward Ctrl-C to the container instead.
  if (signalsTrapped()) return;
  // First Ctrl-C: cancel the running request and let the command end; a second one exits at once.
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort(new Error('interrupted'));
});

const code = await runCli(process.argv.slice(2), processEnvironment(interrupt.signal));
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);
