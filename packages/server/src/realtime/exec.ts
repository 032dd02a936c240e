/**
 * The terminal channel: a process in a container (by default its shell) over a WebSocket. Binary
 * frames carry stdin (browser -> server) and output (server -> browser); JSON text frames: from the
 * browser `{ type: 'resize', cols, rows }` and `{ type: 'close' }`, from the server
 * `{ type: 'exit', code }` before the socket closes. When the browser goes away, the process is
 * ended (terminal-cleanup.ts says why Docker needs help there).
 */
import { randomUUID } from 'node:crypto';
import type { DockerClient } from '@gantry/engine';
import type { RawData } from 'ws';
import { z } from 'zod';
import { type ChannelDefinition, defineChannel } from './channel.ts';
import { engineOf } from './engine.ts';
import { flag, wholeNumber } from './query.ts';
import { drained, sendJson } from './send.ts';
import { endTerminal, TERMINAL_MARKER } from './terminal-cleanup.ts';

/** Messages kept while the exec is being set up (typed ahead); more are dropped. */
const MAX_EARLY_MESSAGES = 256;

/** Shells tried in order when no `cmd` is given. */
const SHELLS = ['/bin/bash', '/bin/sh'] as const;

/**
 * `cmd`: an argv JSON array (`["ls","-la"]`) or a single program (`/usr/bin/top`). Never a shell
 * string: a value with spaces that is not an array is refused, not split.
 */
const command = z
  .string()
  .min(1)
  .max(4096)
  .transform((value, context): string[] => {
    if (!value.startsWith('[')) {
      if (/\s/.test(value)) {
        context.addIssue({
          code: 'custom',
          message: 'a program with arguments must be an argv JSON array, e.g. ["ls","-la"]',
        });
        return z.NEVER;
      }
      return [value];
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      context.addIssue({ code: 'custom', message: 'not valid JSON: expected an array of strings' });
      return z.NEVER;
    }
    const argv = z.array(z.string().min(1)).min(1).safeParse(parsed);
    if (!argv.success) {
      context.addIssue({ code: 'custom', message: 'expected a non-empty JSON array of non-empty strings' });
      return z.NEVER;
    }
    return argv.data;
  });

const terminalQuery = z.object({
  cmd: command.optional().describe('argv JSON array or one program; default /bin/bash, else /bin/sh'),
  tty: flag(true),
  user: z.string().min(1).max(256).optional(),
  workdir: z.string().min(1).max(4096).optional(),
  cols: wholeNumber(1, 1000).default(80),
  rows: wholeNumber(1, 1000).default(24),
});

const clientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('resize'),
    cols: z.number().int().min(1).max(1000),
    rows: z.number().int().min(1).max(1000),
  }),
  z.object({ type: z.literal('close') }),
]);

/**
 * `/bin/bash` when the container has it, else `/bin/sh`: looked up with a stat of the path through
 * the archive API, so nothing runs in the container to decide.
 */
async function defaultShell(client: DockerClient, container: string, signal: AbortSignal): Promise<string[]> {
  for (const shell of SHELLS.slice(0, -1)) {
    try {
      await client.containers.archiveInfo(container, { path: shell, signal });
      return [shell];
    } catch {
      // Not there (or not readable): try the next.
    }
  }
  return [SHELLS[SHELLS.length - 1] as string];
}

export const execChannels: ChannelDefinition[] = [
  defineChannel({
    path: '/api/engines/:engine/containers/:id/terminal',
    requirement: 'containers.exec',
    operation: 'containers.exec',
    audited: true,
    summary: 'Interactive terminal: a process in the container with stdin, resize and exit code',
    params: z.object({ engine: z.string(), id: z.string() }),
    query: terminalQuery,
    open: async ({ engine, params, query, signal, socket, services }) => {
      const client = engineOf(engine).client;
      // Listening from the start: what the browser sends while the exec is being set up is kept.
      const early: Array<{ bytes: Buffer; isBinary: boolean }> = [];
      let onMessage = (bytes: Buffer, isBinary: boolean) => {
        if (early.length < MAX_EARLY_MESSAGES) early.push({ bytes, isBinary });
      };
      socket.on('message', (data: RawData, isBinary: boolean) => {
        onMessage(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer), isBinary);
      });
      const argv = query.cmd ?? (await defaultShell(client, params.id, signal));
      const markerId = randomUUID();
      const { Id: execId } = await client.exec.create(params.id, {
        Cmd: argv,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: query.tty,
        User: query.user,
        WorkingDir: query.workdir,
        Env: [...(query.tty ? ['TERM=xterm-256color'] : []), `${TERMINAL_MARKER}=${markerId}`],
        signal,
      });
      const log = services.log.child({ channel: 'terminal', containerId: params.id, execId });
      let exited = false;
      try {
        const session = await client.exec.start(execId, { Tty: query.tty, stdin: true, signal });
        const resize = (cols: number, rows: number) =>
          query.tty ? session.resize({ h: rows, w: cols }).catch(() => {}) : Promise.resolve();
        await resize(query.cols, query.rows);
        onMessage = (bytes, isBinary) => {
          if (isBinary) {
            if (!session.stdin.writableEnded) session.stdin.write(bytes);
            return;
          }
          let message: z.output<typeof clientMessage>;
          try {
            message = clientMessage.parse(JSON.parse(bytes.toString('utf8')));
          } catch {
            sendJson(socket, {
              type: 'error',
              message: 'expected {type:"resize",cols,rows} or {type:"close"}',
            });
            return;
          }
          if (message.type === 'resize') void resize(message.cols, message.rows);
          else void endTerminal(client, params.id, execId, markerId, log);
        };
        for (const { bytes, isBinary } of early.splice(0)) onMessage(bytes, isBinary);
        try {
          for await (const frame of session.output) {
            socket.send(frame.data, { binary: true });
            await drained(socket);
          }
        } catch (err) {
          if (!signal.aborted) throw err;
        }
        if (signal.aborted) return;
        const code = await session.exitCode({ signal });
        exited = true;
        sendJson(socket, { type: 'exit', code });
      } finally {
        // The browser went away (or the output failed) before the process ended.
        if (!exited) await endTerminal(client, params.id, execId, markerId, log);
      }
    },
  }),
];
