/**
 * Seed 004 — the docker CLI commands of the seed's chapter as SDK calls: run, run -it, run -d with a
 * published port, container ls -a, top, logs, rm -f of every container, rmi.
 *
 *   node examples/seed-004-docker-cli-chapter.ts      # settings: see common.ts
 */
import { connect } from '@gantry/engine';
import { ensureImage, image, labels, repo, shellSession, thisRun } from './common.ts';

const docker = connect();
await ensureImage(docker);
// The chapter runs its own images; here the example image under a name of our own, so rmi at the
// end removes only that name.
const chapterImage = `${repo}/chapter2:latest`;
await docker.images.tag(image, { repo: `${repo}/chapter2`, tag: 'latest' });

// docker container run IMAGE CMD: pull when missing, create, start, wait, collect the output.
const hello = await docker.run(chapterImage, ['echo', 'Hello from the chapter 2 container'], { labels });
console.log(`run: exit code ${hello.exitCode}, said "${hello.stdout.toString('utf8').trim()}"`);

// docker container run --interactive --tty IMAGE sh: a shell on a terminal, driven by this program
// over the attach connection instead of a keyboard.
const { Id: shellId } = await docker.containers.create({
  Image: chapterImage,
  Cmd: ['sh'],
  Tty: true,
  OpenStdin: true,
  Labels: labels,
});
const attached = await docker.containers.attach(shellId, { stdin: true });
const exited = attached.wait({ condition: 'next-exit' }); // asked before start, so the exit is not missed
await docker.containers.start(shellId);
const shell = shellSession(attached);
await shell.ready();
console.log(`-it hostname: ${await shell.send('hostname')}`);
console.log(`-it answer: ${await shell.send('echo "answer: $((6 * 7))"')}`);
await shell.exit();
console.log(`-it exit code: ${(await exited).exitCode}`);

// docker container run --detach --publish 80 IMAGE: busybox's httpd serves one page. A host port of
// null lets the daemon choose a free one; inspect tells which.
const web = await docker.run(
  chapterImage,
  [
    'sh',
    '-c',
    'mkdir -p /www && echo "hello from httpd" > /www/index.html && exec httpd -f -v -p 80 -h /www',
  ],
  { detach: true, ports: { '80/tcp': null }, labels },
);
const ports = (await docker.containers.inspect(web.containerId)).NetworkSettings?.Ports ?? {};
const hostPort = ports['80/tcp']?.[0]?.HostPort;
// The port is open on the engine's host: this machine for a unix socket, else the tcp:// host.
const host = docker.endpoint.kind === 'tcp' ? docker.endpoint.hostname : '127.0.0.1';
let page = '';
for (let attempt = 0; !page && attempt < 50; attempt++) {
  // httpd may not be listening yet right after start: retry for up to 5 s.
  page = await fetch(`http://${host}:${hostPort}/`)
    .then((response) => response.text())
    .catch(() => new Promise<string>((resolve) => setTimeout(() => resolve(''), 100)));
}
console.log(`-d -p: port ${hostPort} answered "${page.trim()}"`);

// docker container ls -a: every container of this example, running or not.
for (const c of await docker.containers.list({ all: true, filters: { label: [thisRun] } })) {
  console.log(`ls -a: ${c.Id?.slice(0, 12)}  ${c.Image}  "${c.Command}"  ${c.State}  ${c.Names?.join(',')}`);
}

// docker container top: the processes in the web container.
const top = await docker.containers.top(web.containerId);
console.log(`top: ${top.Processes?.map((process) => process.at(-1)).join(' | ')}`);

// docker container logs: httpd -v logs each request on stderr.
for await (const frame of docker.containers.logs(web.containerId)) {
  console.log(`logs ${frame.stream}: ${frame.data.toString('utf8').trim()}`);
}

// docker container rm -f $(docker container ls -a --quiet): every container, running or not —
// here every container this run created, not every container on the engine.
const all = await docker.containers.list({ all: true, filters: { label: [thisRun] } });
for (const { Id } of all) if (Id) await docker.containers.remove(Id, { force: true });
console.log(`rm -f: removed ${all.length} containers`);

// docker rmi: removing containers leaves their images; this removes the chapter's name for it.
const removed = await docker.images.remove(chapterImage);
console.log(
  `rmi: ${removed.map((r) => (r.Untagged ? `untagged ${r.Untagged}` : `deleted ${r.Deleted}`)).join(', ')}`,
);
await docker.close();
