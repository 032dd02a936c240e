/**
 * Seed 001 — a container's life over the Engine API, one SDK call per curl request of the seed:
 * version, create (with a slice of the seed's long body), list with filters, inspect, top, start,
 * stop, restart?t=5, kill, export to tar, import that tar as an image, list and inspect images.
 *
 *   node examples/seed-001-container-lifecycle.ts      # settings: see common.ts
 */
import { connect } from '@gantry/engine';
import { ensureImage, image, labelKey, labels, repo, thisRun, uniqueName } from './common.ts';

const docker = connect(); // DOCKER_HOST (unix:// or tcp://), DOCKER_TLS_VERIFY, DOCKER_CERT_PATH
await ensureImage(docker);

// GET /version
const version = await docker.system.version();
console.log(`engine ${version.Version}, API ${version.ApiVersion}`);

// POST /containers/create. The body is the seed's, trimmed to what runs anywhere; unknown
// fields are a type error here instead of being ignored by the daemon.
const name = uniqueName('lifecycle');
const { Id: id } = await docker.containers.create({
  name,
  Image: image,
  // The shell is PID 1, which ignores SIGTERM unless it traps it: exit cleanly on stop.
  Cmd: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'],
  Hostname: 'lifecycle',
  Env: ['GREETING=hello'],
  Labels: { ...labels, 'com.example.vendor': 'Acme', 'com.example.version': '1.0' },
  ExposedPorts: { '22/tcp': {} },
  HostConfig: {
    CpuShares: 512,
    CapAdd: ['NET_ADMIN'],
    CapDrop: ['MKNOD'],
    RestartPolicy: { Name: 'no' },
    LogConfig: { Type: 'json-file', Config: {} },
  },
});
console.log(`created ${name} ${id.slice(0, 12)}`);

try {
  // GET /containers/json?all=1 with a filter: only this example's containers that are not running.
  const mine = await docker.containers.list({
    all: true,
    filters: { label: [thisRun], status: ['created'] },
  });
  console.log(`listed: ${mine.some((c) => c.Id === id) ? 'found' : 'missing'} among ${mine.length} created`);

  // GET /containers/{id}/json
  const inspected = await docker.containers.inspect(id);
  console.log(`inspect: status ${inspected.State?.Status}, caps +${inspected.HostConfig?.CapAdd}`);

  // POST /containers/{id}/start, then GET /containers/{id}/top
  await docker.containers.start(id);
  // Titles are ps's columns (UID PID PPID ... CMD); the command line is the last one.
  const top = await docker.containers.top(id);
  console.log(`top: ${top.Processes?.map((process) => process.at(-1)).join(' | ')}`);

  // POST /containers/{id}/stop: SIGTERM, SIGKILL after t seconds
  await docker.containers.stop(id, { t: 5 });
  console.log(`stopped: exit code ${(await docker.containers.inspect(id)).State?.ExitCode}`);

  // POST /containers/{id}/restart?t=5
  await docker.containers.restart(id, { t: 5 });
  console.log(`restarted: running ${(await docker.containers.inspect(id)).State?.Running}`);

  // POST /containers/{id}/kill: SIGKILL unless killSignal names another (the seed's comment says
  // SIGINT, but the API default is SIGKILL). A killed process exits with 128 + 9.
  await docker.containers.kill(id);
  console.log(`killed: exit code ${(await docker.containers.wait(id)).StatusCode}`);

  // GET /containers/{id}/export streamed straight into POST /images/create?fromSrc=-: the tar is
  // never held in memory. (images.import also takes a URL, the seed's fromSrc=http://... form.)
  const reference = `${repo}/lifecycle-export:latest`;
  const imported = await docker.images
    .import(await docker.containers.export(id), { repo: reference, changes: [`LABEL ${labelKey}=1`] })
    .wait();
  console.log(`imported ${reference} as ${imported.imageId?.slice(0, 19)}`);

  // GET /images/json filtered by reference, and GET /images/{name}/json
  const [listed] = await docker.images.list({ filters: { reference: [reference] } });
  const details = await docker.images.inspect(reference);
  console.log(
    `image: ${listed?.RepoTags?.join(',')} ${details.Os}/${details.Architecture}, ${details.Size} bytes`,
  );
  await docker.images.remove(reference);
} finally {
  // DELETE /containers/{id}?force=1
  await docker.containers.remove(id, { force: true });
  console.log('removed');
  await docker.close();
}
