/**
 * `gantry events` / `system events`: the engine's events as docker prints them, one line each
 * (`--format` for JSON or a template), following until Ctrl-C — or until `--until` when given.
 * `--since` / `--until` take durations (`10m`), dates and Unix seconds as docker does.
 */
import { defineCommand, type OptionsOf } from '../../command.ts';
import { StatusError } from '../../errors.ts';
import { filterFlag, inspectFormatFlag, toFilters } from '../../flags.ts';
import { eventLine, eventRow, type RawEvent } from '../../formatters/event.ts';
import type { CommandIO } from '../../io.ts';
import { parseTemplate, type Template } from '../../output/template.ts';
import { TimestampError, timestampArg } from '../../output/time.ts';

export const definition = defineCommand({
  summary: 'Get real time events from the server',
  usage: '[OPTIONS]',
  flags: {
    filter: filterFlag,
    format: { ...inspectFormatFlag, short: undefined },
    since: { type: 'string', description: 'Show all events created since timestamp' },
    until: { type: 'string', description: 'Stream events until this timestamp' },
  },
  args: {},
});

export type EventsOptions = OptionsOf<typeof definition>;

export async function run(opts: EventsOptions, io: CommandIO): Promise<number> {
  const template = compile(opts.format);
  const since = timeOption(opts.since, io.now());
  const until = timeOption(opts.until, io.now());
  const docker = await io.client();
  const events = docker.system.events({
    filters: toFilters(opts.filter),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    signal: io.signal,
  });
  for await (const event of events) io.stdout.write(render(event, template));
  return 0;
}

function compile(format: string | undefined): Template | undefined {
  if (!format) return undefined;
  try {
    return parseTemplate(format === 'json' ? '{{json .}}' : format);
  } catch (err) {
    throw new StatusError(1, `Error parsing format: ${(err as Error).message}`);
  }
}

function render(event: RawEvent, template: Template | undefined): string {
  if (!template) return eventLine(event);
  try {
    return `${template.execute(eventRow(event))}\n`;
  } catch (err) {
    throw new StatusError(1, `Error parsing format: ${(err as Error).message}`);
  }
}

function timeOption(value: string | undefined, now: number): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return timestampArg(value, now);
  } catch (err) {
    if (err instanceof TimestampError) throw new StatusError(1, err.message);
    throw err;
  }
}
