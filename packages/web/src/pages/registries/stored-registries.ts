/**
 * The console's stored registry credentials as the pages see them (never the password), and which
 * one a pull or push of an image would use: the one whose address is the image's registry host.
 */
import type { RegistryView } from '@gantry/server/api-types';
import { useApi } from '../../api/hooks.ts';
import { useSession } from '../../api/session.tsx';

/** Docker Hub's many spellings, all meaning the host that unqualified names (`alpine`) come from. */
const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * A registry address as a bare host[:port], lower-case: `https://Registry.example:5000/v2/` →
 * `registry.example:5000`; every Docker Hub spelling → `docker.io`.
 *
 * @example
 * ```ts
 * registryHostOfAddress('https://index.docker.io/v1/'); // 'docker.io'
 * ```
 */
export function registryHostOfAddress(address: string): string {
  const host = (
    address
      .trim()
      .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
      .split('/')[0] ?? ''
  ).toLowerCase();
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/**
 * The registry host of an image reference, by Docker's rule: the first path component is a host when
 * it has a `.` or a `:` or is `localhost`; otherwise the image is on Docker Hub.
 *
 * @example
 * ```ts
 * registryHostOfImage('127.0.0.1:5000/gantry/busybox:1'); // '127.0.0.1:5000'
 * registryHostOfImage('alpine'); // 'docker.io'
 * ```
 */
export function registryHostOfImage(image: string): string {
  const [first, ...rest] = image.trim().split('/');
  const isHost = rest.length > 0 && first !== undefined && (/[.:]/.test(first) || first === 'localhost');
  return isHost ? registryHostOfAddress(first) : DOCKER_HUB;
}

/** The stored registry a pull or push of `image` without credentials would log in with, if any. */
export function storedRegistryFor(
  image: string,
  registries: readonly RegistryView[] | undefined,
): RegistryView | undefined {
  if (!image.trim() || !registries) return undefined;
  const host = registryHostOfImage(image);
  return registries.find((registry) => registryHostOfAddress(registry.serverAddress) === host);
}

/** The stored registries, fetched only for callers allowed to see them (else undefined). */
export function useStoredRegistries(): readonly RegistryView[] | undefined {
  const session = useSession();
  return useApi<RegistryView[]>(session.can('registries.read') ? '/api/registries' : undefined).data;
}
