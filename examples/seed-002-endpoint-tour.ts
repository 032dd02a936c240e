/**
 * Seed 002 — every curl example of the seed's endpoint catalogue as an SDK call: containers, images,
 * networks, volumes, system, exec, plugins, secrets and configs. The seed shows each request twice,
 * "on the host" (curl --unix-socket) and "remote" (curl http://HOST:2375); here that is only
 * DOCKER_HOST: the same program talks to either. The seed's `/v1.41/` prefix is negotiated instead.
 *
 *   node examples/seed-002-endpoint-tour.ts        # settings: see common.ts
 *   EXAMPLE_SWARM=init ...                         # make this engine a one-node swarm for the secrets
 *                                                  # and configs part, and leave it afterwards
 *   EXAMPLE_REGISTRY=host:port ...                 # a registry for the plugin part (create, push, pull)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, EngineApiError, isNotFound } from '@gantry/engine';
import { ensureImage, image, labels, pullImage, registry, registryAuth, repo, uniqueName } from './common.ts';

const docker = connect();
const startedAt = new Date();
const text = (data: Buffer) => data.toString('utf8').trim();

/** `tar -c -C dir .` as a stream, for an upload the SDK does not pack itself (a plugin). */
const tarOf = (dir: string) => spawn('tar', ['-c', '-C', dir, '.']).stdout;

/** A temporary directory holding `files`. */
function directoryOf(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-example-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

// ---- Containers --------------------------------------------------------------------------------
await ensureImage(docker);
// GET /containers/json: running containers only (all: true adds the stopped ones).
console.log(`containers running: ${(await docker.containers.list()).length}`);

// POST /containers/create, POST /containers/{id}/start, GET /containers/{id}/logs?stdout=1&stderr=1
const hello = await docker.containers.create({
  Image: image,
  Cmd: ['echo', 'Hello, World!'],
  Labels: labels,
});
await docker.containers.start(hello.Id);
await docker.containers.wait(hello.Id);
for await (const frame of docker.containers.logs(hello.Id, { stdout: true, stderr: true })) {
  console.log(`logs ${frame.stream}: ${text(frame.data)}`);
}
// DELETE /containers/{id}
await docker.containers.remove(hello.Id);

// The seed's `sleep 60` container: started here, used by the network and exec parts, stopped at the end.
const sleeper = await docker.containers.create({ Image: image, Cmd: ['sleep', '60'], Labels: labels });
await docker.containers.start(sleeper.Id);

try {
  // ---- Images ----------------------------------------------------------------------------------
  // GET /images/json
  console.log(`images: ${(await docker.images.list()).length}`);
  // POST /images/create?fromImage=...&tag=...: wait() resolves once the image is really there.
  const pulled = await docker.images.pull(pullImage, { auth: registryAuth }).wait();
  console.log(`pulled ${pullImage}: ${pulled.lastStatus}`);

  // POST /build?t=myimage:latest. The seed pipes `tar -cz .` into curl; `{ directory }` makes the
  // SDK stream the directory as a gzipped tar itself, honouring its .dockerignore as the CLI does.
  const myimage = `${repo}/myimage:latest`;
  const context = directoryOf({ Dockerfile: `FROM ${image}\nRUN echo built > /built.txt\n` });
  try {
    const build = docker.images.build(
      { directory: context, gzip: true },
      { t: myimage, labels, forcerm: true },
    );
    for await (const message of build.messages()) if (message.stream) process.stdout.write(message.stream);
    console.log(`built ${myimage}: ${(await build.wait()).imageId}`);
  } finally {
    rmSync(context, { recursive: true });
  }
  // DELETE /images/{name}
  const removed = await docker.images.remove(myimage);
  console.log(`removed image: ${removed.map((r) => (r.Untagged ? 'untagged' : 'deleted')).join(', ')}`);

  // ---- Networks --------------------------------------------------------------------------------
  // GET /networks, POST /networks/create, POST /networks/{id}/connect and /disconnect, DELETE /networks/{id}
  console.log(`networks: ${(await docker.networks.list()).map((n) => n.Name).join(', ')}`);
  const mynetwork = uniqueName('network');
  const { Id: networkId } = await docker.networks.create({
    Name: mynetwork,
    Driver: 'bridge',
    Labels: labels,
  });
  await docker.networks.connect(networkId, { Container: sleeper.Id });
  const attached = (await docker.containers.inspect(sleeper.Id)).NetworkSettings?.Networks ?? {};
  console.log(`connected to ${mynetwork}: ${mynetwork in attached}`);
  await docker.networks.disconnect(networkId, { Container: sleeper.Id });
  await docker.networks.remove(networkId);
  console.log(`network ${mynetwork} removed`);

  // ---- Volumes ---------------------------------------------------------------------------------
  // GET /volumes, POST /volumes/create, DELETE /volumes/{name}
  console.log(`volumes: ${(await docker.volumes.list()).Volumes?.length ?? 0}`);
  const { Name: volume } = await docker.volumes.create({ Name: uniqueName('volume'), Labels: labels });
  await docker.volumes.remove(volume);
  console.log(`volume ${volume} created and removed`);

  // ---- System ----------------------------------------------------------------------------------
  // GET /info and GET /version (GET /events comes last, as a replay of this tour)
  const info = await docker.system.info();
  console.log(`info: ${info.Containers} containers, ${info.Images} images, driver ${info.Driver}`);
  console.log(`version: ${(await docker.system.version()).Version}`);

  // ---- Exec ------------------------------------------------------------------------------------
  // POST /containers/{id}/exec, then POST /exec/{id}/start (Detach false, Tty false)
  const ls = await docker.exec.create(sleeper.Id, {
    Cmd: ['ls', '/'],
    AttachStdout: true,
    AttachStderr: true,
  });
  const session = await docker.exec.start(ls.Id, { Tty: false });
  let listing = '';
  for await (const frame of session.output) listing += frame.data.toString('utf8');
  console.log(`exec ls /: ${listing.split('\n').filter(Boolean).join(' ')}`);

  // POST /exec/{id}/resize?h=40&w=80: the exec asks its terminal for its size after the resize.
  const sized = await docker.exec.create(sleeper.Id, {
    Cmd: ['sh', '-c', 'sleep 1; stty size'],
    Tty: true,
    AttachStdout: true,
  });
  const terminal = await docker.exec.start(sized.Id, { Tty: true });
  await docker.exec.resize(sized.Id, { h: 40, w: 80 });
  let size = '';
  for await (const frame of terminal.output) size += frame.data.toString('utf8');
  console.log(`exec stty size after resize: ${size.trim()}`);

  // ---- Plugins ---------------------------------------------------------------------------------
  // GET /plugins. Podman's Docker-compatible API has no plugins: there it is a 404.
  const plugins = await docker.plugins.list().catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
  console.log(`plugins: ${plugins ? plugins.length : 'this engine has no plugin API'}`);
  if (plugins && registry) {
    // POST /plugins/pull?remote=... needs a plugin in a registry. To stay offline, make one first:
    // `docker plugin create` from a config.json and an (empty) rootfs, push it, drop the local copy.
    const plugin = `${registry}/${repo}/tour-plugin:latest`;
    const dir = directoryOf({
      'config.json': JSON.stringify({
        description: 'a plugin that is only pushed and pulled',
        documentation: 'https://docs.docker.com/engine/extend/',
        entrypoint: ['/bin/true'],
        interface: { types: ['docker.volumedriver/1.0'], socket: 'tour.sock' },
        network: { type: 'host' },
      }),
    });
    try {
      mkdirSync(join(dir, 'rootfs')); // the plugin's root filesystem: empty, it never runs
      await docker.plugins.create(plugin, tarOf(dir));
      await docker.plugins.push(plugin, { auth: registryAuth }).wait();
      await docker.plugins.remove(plugin);
      // The privileges the plugin asks for are shown to the user and granted explicitly.
      const privileges = await docker.plugins.privileges(plugin, { auth: registryAuth });
      console.log(`plugin privileges: ${privileges.map((p) => `${p.Name}=${p.Value}`).join(', ')}`);
      await docker.plugins.pull(plugin, { privileges, auth: registryAuth }).wait();
      const installed = await docker.plugins.inspect(plugin);
      console.log(`plugin pulled: ${installed.Name}, enabled ${installed.Enabled}`);
    } finally {
      rmSync(dir, { recursive: true });
      // DELETE /plugins/{name} (a 404 only means a step above failed before installing it)
      await docker.plugins.remove(plugin, { force: true }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
    console.log('plugin removed');
  }

  // ---- Secrets and configs ---------------------------------------------------------------------
  // They live in a swarm: a node that is no swarm manager answers 503 (API_SERVER), and an engine
  // without the endpoint (Podman has no configs) 404. Both are shown rather than thrown.
  const swarmState = (await docker.system.info()).Swarm?.LocalNodeState;
  const initSwarm = swarmState === 'inactive' && process.env.EXAMPLE_SWARM === 'init';
  if (initSwarm) {
    await docker.swarm.init({ ListenAddr: '127.0.0.1:2377', AdvertiseAddr: '127.0.0.1' });
    console.log('swarm: initialised for the tour');
  }
  const shown = (what: string) => (err: unknown) => {
    if (!(err instanceof EngineApiError) || (err.status !== 503 && err.status !== 404)) throw err;
    console.log(`${what}: ${err.code} (${err.message})`);
  };
  const data = (text: string) => Buffer.from(text).toString('base64'); // the seed's `| base64`
  try {
    // GET /secrets, POST /secrets/create
    await (async () => {
      console.log(`secrets: ${(await docker.secrets.list()).length}`);
      const { Id } = await docker.secrets.create({
        Name: uniqueName('secret'),
        Data: data('secret_data'),
        Labels: labels,
      });
      await docker.secrets.remove(Id);
      console.log(`secret ${Id} created and removed`);
    })().catch(shown('secrets'));
    // GET /configs, POST /configs/create
    await (async () => {
      console.log(`configs: ${(await docker.configs.list()).length}`);
      const { Id } = await docker.configs.create({
        Name: uniqueName('config'),
        Data: data('config_data'),
        Labels: labels,
      });
      await docker.configs.remove(Id);
      console.log(`config ${Id} created and removed`);
    })().catch(shown('configs'));
  } finally {
    if (initSwarm) {
      await docker.swarm.leave({ force: true });
      console.log('swarm: left');
    }
  }
} finally {
  // POST /containers/{id}/stop, DELETE /containers/{id}
  await docker.containers.stop(sleeper.Id, { t: 1 });
  await docker.containers.remove(sleeper.Id);
}

// GET /events?since=...&until=...: with `until` set, the stream replays what happened and ends once `until` has passed.
const actions: string[] = [];
const events = docker.system.events({
  since: startedAt,
  // The daemon logs `destroy` just after the remove call has answered: a second of slack keeps it in.
  until: new Date(Date.now() + 1000),
  filters: { type: ['container'], container: [sleeper.Id] },
});
for await (const event of events) actions.push(event.Action ?? '');
console.log(`events of the sleep container: ${actions.join(' ')}`);
await docker.close();
