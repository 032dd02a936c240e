import { connect, isNotFound } from '@gantry/engine';

const docker = connect(); // DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_API_VERSION, or the default socket
console.log(await docker.apiVersion()); // negotiated once: min(1.55, the daemon's version)

const { Id } = await docker.containers.create({ Image: 'busybox', Cmd: ['sh', '-c', 'echo hi;echo ho>&2'] });
await docker.containers.start(Id);
for await (const frame of docker.containers.logs(Id, { follow: true })) {
  process.stdout.write(`${frame.stream}: ${frame.data}`); // stdout: hi / stderr: ho
}
console.log('exit', (await docker.containers.wait(Id)).StatusCode); // a non-zero exit is data, not an error
await docker.containers.remove(Id);

const pull = docker.images.pull('registry.example/app:1.2', { auth: { username: 'me', password: 's3cret' } });
for await (const message of pull.messages()) console.log(message.id, message.status, message.progress ?? '');
await pull.wait(); // resolves once the image is really there; rejects on an in-stream error
await docker.containers.remove('no-such-container').catch((err) => {
  if (!isNotFound(err)) throw err; // err.code === 'API_NOT_FOUND'
});
await docker.close();
