/**
 * `npm start` for now: connects to the local engine the way the docker CLI would and prints what
 * it finds. The console server replaces this in a later issue.
 */
import { connect, EngineConnectionError } from '@gantry/engine';
import { ensureLocalEngine } from './local-engine.ts';

await ensureLocalEngine();
const docker = connect();
try {
  const [version, info, apiVersion] = await Promise.all([
    docker.system.version(),
    docker.system.info(),
    docker.apiVersion(),
  ]);
  const [containers, images, networks, volumes] = await Promise.all([
    docker.containers.list({ all: true }),
    docker.images.list(),
    docker.networks.list(),
    docker.volumes.list(),
  ]);
  const running = containers.filter((c) => c.State === 'running').length;
  const rows: [string, string][] = [
    ['Engine', `${docker.endpoint.url} — Docker ${version.Version} (${version.Os}/${version.Arch})`],
    ['API version', `${apiVersion} (daemon ${version.ApiVersion}, negotiated)`],
    ['Host', `${info.Name} — ${info.OperatingSystem}, ${info.NCPU} CPUs, ${formatBytes(info.MemTotal ?? 0)}`],
    ['Containers', `${containers.length} (${running} running)`],
    ['Images', String(images.length)],
    ['Networks', networks.map((n) => n.Name).join(', ')],
    ['Volumes', String(volumes.Volumes?.length ?? 0)],
    ['Swarm', info.Swarm?.LocalNodeState ?? 'unknown'],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
} catch (err) {
  if (err instanceof EngineConnectionError) {
    console.error(`gantry: ${err.message}`);
    process.exitCode = 1;
  } else {
    throw err;
  }
} finally {
  await docker.close();
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
