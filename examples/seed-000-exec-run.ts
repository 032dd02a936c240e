/**
 * Seed 000 — commands inside a running container with `docker.execRun`, docker-py's `exec_run`
 * (same option names): `ls` on a TTY, `ls -l`, a program streamed while it runs, why `cd` alone
 * fails and `sh -c 'cd /test; ...'` works, and an interactive shell over the hijacked socket.
 *
 *   node examples/seed-000-exec-run.ts      # settings: see common.ts
 */
import { connect } from '@gantry/engine';
import { ensureImage, image, labels, shellSession } from './common.ts';

const docker = connect();
await ensureImage(docker);
// The seed's container has a /test directory holding test.txt; this one makes it at start.
const container = await docker.run(
  image,
  ['sh', '-c', 'mkdir -p /test && echo hello > /test/test.txt && exec sleep 300'],
  { detach: true, labels },
);
const id = container.containerId;
const text = (output: Buffer) => output.toString('utf8').replaceAll('\r', '').trim();

try {
  // exec_run(tty=True, cmd='ls'): the collected output, and the exit code (docker-py's tuple).
  const ls = await docker.execRun(id, 'ls', { tty: true });
  console.log(`ls (exit ${ls.exitCode}): ${text(ls.output).split(/\s+/).join(' ')}`);

  // exec_run(cmd='ls -l'): without a TTY, stdout and stderr arrive separately; `demux` keeps them apart.
  const long = await docker.execRun(id, 'ls -l /test', { demux: true });
  console.log(`ls -l: ${text(long.output.stdout).split('\n').at(-1)}`);

  // exec_run(cmd='python hello.py', tty=True, stream=True): each line as the program prints it,
  // here one a second. Unlike docker-py, the exit code is there after the stream ends.
  const ticker = await docker.execRun(
    id,
    ['sh', '-c', 'for i in 1 2 3; do echo "$(date +%T) hello world $i"; sleep 1; done'],
    { tty: true, stream: true },
  );
  for await (const chunk of ticker.output) console.log(`stream: ${text(chunk)}`);
  console.log(`stream exit code: ${await ticker.exitCode()}`);

  // exec_run(cmd='cd /test'): `cd` is a shell builtin, not a program, so the runtime cannot start
  // it. The error text comes back as output, with exit code 126 or 127 — not as an exception.
  const cd = await docker.execRun(id, 'cd /test');
  console.log(`cd alone: exit ${cd.exitCode}: ${text(cd.output)}`);

  // exec_run(cmd="/bin/sh -c 'cd /test; ls; cp test.txt test-2.txt; ls;'", tty=True, stream=True)
  const shellLine = await docker.execRun(id, "/bin/sh -c 'cd /test; ls; cp test.txt test-2.txt; ls'", {
    tty: true,
    stream: true,
  });
  let shellOutput = '';
  for await (const chunk of shellLine.output) shellOutput += chunk.toString('utf8');
  console.log(`sh -c: ${text(Buffer.from(shellOutput)).split('\n').join(' / ')}`);

  // exec_run(cmd='/bin/sh', socket=True, user='root', tty=True, stdin=True): the live connection.
  // Type a line, read the reply up to the next prompt; `exit` ends the shell and the session.
  const session = await docker.execRun(id, '/bin/sh', { socket: true, stdin: true, tty: true, user: 'root' });
  const shell = shellSession(session);
  await shell.ready();
  await shell.send('cd /test');
  console.log(`socket ls: ${(await shell.send('ls')).split(/\s+/).join(' ')}`);
  const files = (await shell.send('ls -l')).split('\n').filter((line) => line.startsWith('-'));
  console.log(`socket ls -l: ${files.length} files`);
  await shell.exit();
  console.log(`socket exit code: ${await session.exitCode()}`);
} finally {
  await docker.containers.remove(id, { force: true });
  await docker.close();
}
