/**
 * Where the harness keeps its files. Everything lives under `.gantry-test/` at the repository root
 * (git-ignored), always as absolute paths: they are handed to dockerd, the registry and openssl, which
 * would resolve a relative path against their own working directory.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
export const WORK_DIR = join(REPO_ROOT, '.gantry-test');
/** Machine-wide harness state: the dockerd the harness started, swarms the tests initialised. */
export const STATE_FILE = join(WORK_DIR, 'state.json');
export const TLS_DIR = join(WORK_DIR, 'tls');
export const TLS_WRONG_DIR = join(WORK_DIR, 'tls-wrong');
export const DOCKERD_LOG = join(WORK_DIR, 'dockerd.log');
export const APT_LOG = join(WORK_DIR, 'apt.log');

export const TEST_LABEL = 'io.gantry.test';
export const TEST_IMAGE = 'gantry-test/busybox:latest';
export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/**
 * Several `npm test` runs may share this machine — developers run their test files while others do,
 * from this checkout or another clone — so each run takes a numbered slot and keeps its per-run
 * resources (registry, second dockerd, bridge, addresses) apart from the other runs'. Slots are
 * machine-wide, because bridges, exec roots and address ranges are; slot 0 uses the plain names.
 */
export const RUNS_DIR = process.getuid?.() === 0 ? '/run/gantry-test' : join(tmpdir(), 'gantry-test-runs');

export interface SlotPaths {
  slot: number;
  /** The run's lock and state file: it exists while the run lives. */
  runFile: string;
  registryDir: string;
  dockerd2Dir: string;
  /** Short on purpose: containerd puts unix sockets under it, and sun_path holds 108 bytes. */
  dockerd2ExecRoot: string;
  bridge: string;
  /** The bridge's address (CIDR): one /24 per slot. */
  bridgeAddress: string;
  /** Where the second dockerd allocates user-defined networks, apart from the first engine's pools. */
  dockerd2AddressPool: string;
  containerdNamespace: string;
  /** The run's Podman: configuration, storage (graph root), socket and logs. */
  podmanDir: string;
  /** Podman's run root and libpod tmp dir (conmon sockets, locks): short, like the exec root above. */
  podmanRunRoot: string;
  /** The run's sshd: host key, client key, configs, known_hosts, log. */
  sshDir: string;
  /** The run's PostgreSQL cluster (data directory, log), owned by the postgres user. */
  postgresDir: string;
  /** Its unix socket directory: short, as sun_path holds 108 bytes. */
  postgresSocketDir: string;
}

export const MAX_SLOTS = 16;

export function slotPaths(slot: number): SlotPaths {
  const suffix = slot === 0 ? '' : `-${slot}`;
  return {
    slot,
    runFile: join(RUNS_DIR, `slot-${slot}.json`),
    registryDir: join(WORK_DIR, `registry${suffix}`),
    dockerd2Dir: join(WORK_DIR, `dockerd2${suffix}`),
    dockerd2ExecRoot: `/run/gantry-test-d2${suffix}`,
    bridge: `gantry-test${slot}`,
    bridgeAddress: `10.213.${slot}.1/24`,
    dockerd2AddressPool: `base=10.214.${slot * 16}.0/20,size=24`,
    containerdNamespace: `gantry-test-d2${suffix}`,
    podmanDir: join(WORK_DIR, `podman${suffix}`),
    podmanRunRoot: `/run/gantry-test-podman${suffix}`,
    sshDir: join(WORK_DIR, `ssh${suffix}`),
    postgresDir: join(WORK_DIR, `postgres${suffix}`),
    postgresSocketDir: `/run/gantry-test-pg${suffix}`,
  };
}
