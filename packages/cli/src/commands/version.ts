/**
 * `gantry version`: the client and the engine, laid out as `docker version` lays them out (the same
 * template, tab-aligned at 20 columns), or through `--format`. The client section is printed even
 * when the engine cannot be reached; the command then fails with the connection error.
 */
import type { SystemVersion } from '@gantry/engine';
import { CLI_VERSION, contextName, goArch } from '../client-info.ts';
import { defineCommand, type OptionsOf } from '../command.ts';
import { StatusError } from '../errors.ts';
import { inspectFormatFlag } from '../flags.ts';
import type { CommandIO } from '../io.ts';
import { GO_JSON, GO_TYPE } from '../output/go-json.ts';
import { alignColumns } from '../output/tabwriter.ts';
import { parseTemplate, type Template, TemplateError } from '../output/template.ts';
import { ansiC } from '../output/units.ts';

export const definition = defineCommand({
  summary: 'Show the Docker version information',
  usage: '[OPTIONS]',
  flags: { format: inspectFormatFlag },
  args: {},
});

export type VersionOptions = OptionsOf<typeof definition>;

const CLIENT_TEMPLATE = `{{with .Client -}}
Client:
 Version:\t{{.Version}}
 API version:\t{{.APIVersion}}{{if ne .APIVersion .DefaultAPIVersion}} (downgraded from {{.DefaultAPIVersion}}){{end}}
 Node.js version:\t{{.NodeVersion}}
 OS/Arch:\t{{.Os}}/{{.Arch}}
 Context:\t{{.Context}}
{{- end}}`;

// docker's server section, verbatim in behaviour: the Engine component first-class, others generic.
const SERVER_TEMPLATE = `{{- if ne .Server nil}}{{with .Server}}

Server:{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}
 {{- range $component := .Components}}
 {{$component.Name}}:
  {{- if eq $component.Name "Engine" }}
  Version:\t{{.Version}}
  API version:\t{{index .Details "ApiVersion"}} (minimum version {{index .Details "MinAPIVersion"}})
  Go version:\t{{index .Details "GoVersion"}}
  Git commit:\t{{index .Details "GitCommit"}}
  Built:\t{{index .Details "BuildTime"}}
  OS/Arch:\t{{index .Details "Os"}}/{{index .Details "Arch"}}
  Experimental:\t{{index .Details "Experimental"}}
  {{- else }}
  Version:\t{{$component.Version}}
  {{- $detailsOrder := getDetailsOrder $component}}
  {{- range $key := $detailsOrder}}
  {{$key}}:\t{{index $component.Details $key}}
   {{- end}}
  {{- end}}
 {{- end}}
 {{- end}}{{- end}}`;

/** `gantry -v`. */
export function versionLine(): string {
  return `Gantry version ${CLI_VERSION} (Node.js ${process.version})`;
}

export async function run(opts: VersionOptions, io: CommandIO): Promise<number> {
  const template = compile(opts.format);
  const engine = await import('@gantry/engine');
  const docker = await io.client();
  let server: SystemVersion | undefined;
  let failure: unknown;
  try {
    server = await docker.system.version({ signal: io.signal });
  } catch (err) {
    failure = err;
  }
  const client = {
    Version: CLI_VERSION,
    ApiVersion: server ? await docker.apiVersion({ signal: io.signal }) : engine.MAX_API_VERSION,
    DefaultAPIVersion: engine.MAX_API_VERSION,
    NodeVersion: process.version,
    Os: process.platform,
    Arch: goArch(),
    Context: contextName(docker),
  };
  const data = {
    Client: goStruct('*system.clientVersion', client),
    Server: server ? goStruct('*types.Version', serverView(server)) : null,
  };
  let text: string;
  try {
    text = template.execute(data);
  } catch (err) {
    // As docker: what the template wrote before failing is printed, then the error.
    if (!(err instanceof TemplateError)) throw err;
    io.stdout.write(alignColumns(`${err.partial}\n`, VERSION_LAYOUT));
    throw new StatusError(1, err.message);
  }
  io.stdout.write(alignColumns(`${text}\n`, VERSION_LAYOUT));
  if (failure !== undefined) throw failure;
  return 0;
}

/** `docker version`'s tabwriter: `tabwriter.NewWriter(out, 20, 1, 1, ' ', 0)`. */
const VERSION_LAYOUT = { minWidth: 20, padding: 1 };

/**
 * A struct for templates: Go's field names (`APIVersion`, where the JSON says `ApiVersion`), so
 * `--format '{{.Server.APIVersion}}'` works as with docker and unknown fields fail as in Go, while
 * `{{json .}}` still writes the engine's JSON names.
 */
function goStruct(type: string, json: object): Record<string | symbol, unknown> {
  const fields: Record<string | symbol, unknown> = { [GO_TYPE]: type, [GO_JSON]: () => json };
  for (const [key, value] of Object.entries(json)) fields[key === 'ApiVersion' ? 'APIVersion' : key] = value;
  return fields;
}

function compile(format: string | undefined): Template {
  const source = format === undefined || format === '' ? `${CLIENT_TEMPLATE}${SERVER_TEMPLATE}` : format;
  try {
    return parseTemplate(source === 'json' ? '{{json .}}' : source, {
      name: 'version',
      functions: { getDetailsOrder: detailsOrder },
    });
  } catch (err) {
    // docker exits 64 (EX_USAGE) for a template that does not parse.
    throw new StatusError(64, `template parsing error: ${(err as Error).message}`);
  }
}

function detailsOrder(component: unknown): string[] {
  const details = (component as { Details?: Record<string, string> }).Details ?? {};
  return Object.keys(details).sort();
}

/**
 * The server part as docker shows it: an `Engine` component made up when the engine lists none
 * (older engines, Podman), and its build time in Go's ANSI C layout.
 */
function serverView(server: SystemVersion): SystemVersion {
  const components = [...(server.Components ?? [])];
  if (!components.some((component) => component.Name === 'Engine')) {
    components.push({
      Name: 'Engine',
      Version: server.Version ?? '',
      Details: {
        ApiVersion: server.ApiVersion ?? '',
        MinAPIVersion: server.MinAPIVersion ?? '',
        GitCommit: server.GitCommit ?? '',
        GoVersion: server.GoVersion ?? '',
        Os: server.Os ?? '',
        Arch: server.Arch ?? '',
        BuildTime: server.BuildTime ?? '',
        Experimental: String(server.Experimental ?? false),
      },
    });
  }
  return {
    ...server,
    Platform: server.Platform ?? { Name: '' },
    Components: components.map((component) =>
      component.Name === 'Engine' && typeof component.Details?.BuildTime === 'string'
        ? { ...component, Details: { ...component.Details, BuildTime: ansiC(component.Details.BuildTime) } }
        : component,
    ),
  };
}
