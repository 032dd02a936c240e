/** What `version` and `info` say about the client side: gantry's version, platform and context. */
import type { DockerClient } from '@gantry/engine';
import packageJson from '../package.json' with { type: 'json' };

export const CLI_VERSION: string = packageJson.version;

/** Go's GOARCH names, as docker prints them (`amd64`, not Node's `x64`). */
const GO_ARCH: Readonly<Record<string, string>> = { x64: 'amd64', ia32: '386', arm: 'arm', arm64: 'arm64' };

export function goArch(): string {
  return GO_ARCH[process.arch] ?? process.arch;
}

/** The docker context in effect: its name when the endpoint came from one, else `default` (as docker). */
export function contextName(docker: DockerClient): string {
  const { source } = docker.endpoint;
  return source.startsWith('context:') ? source.slice('context:'.length) : 'default';
}
