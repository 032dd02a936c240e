/** `context ls` rows as docker's clientContextContext presents them; the current one is marked `*`. */
import type { StoredContext } from '../context-store.ts';
import { DEFAULT_CONTEXT, DEFAULT_CONTEXT_DESCRIPTION } from '../context-store.ts';
import { GO_TYPE } from '../output/go-json.ts';

export const CONTEXT_TABLE =
  'table {{.Name}}{{if .Current}} *{{end}}\t{{.Description}}\t{{.DockerEndpoint}}\t{{.Error}}';
export const CONTEXT_HEADERS = {
  Name: 'NAME',
  // Empty: the header row gets no `*`.
  Current: '',
  Description: 'DESCRIPTION',
  DockerEndpoint: 'DOCKER ENDPOINT',
  Error: 'ERROR',
} as const;

export function contextRow(context: StoredContext, current: boolean) {
  const description =
    context.Name === DEFAULT_CONTEXT ? DEFAULT_CONTEXT_DESCRIPTION : (context.Metadata.Description ?? '');
  return {
    [GO_TYPE]: '*formatter.clientContextContext',
    Name: () => context.Name,
    Current: () => current,
    Description: () => description,
    DockerEndpoint: () => context.Endpoints.docker.Host,
    Error: () => '',
  };
}
