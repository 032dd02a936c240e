/**
 * The test image, `gantry-test/busybox:latest`: a static busybox with every applet linked, imported
 * with `docker import` — no registry, no Dockerfile, no network. Reused when an engine already has it.
 */
import { chmodSync, copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dockerCliEnv, staticBusybox } from './engine.ts';
import { run, tryRun } from './exec.ts';
import { say } from './log.ts';
import { TEST_IMAGE, TEST_LABEL, WORK_DIR } from './paths.ts';

/** Makes sure every engine in `dockerHosts` has the test image; builds the rootfs tarball at most once. */
export async function ensureTestImage(dockerHosts: string[]): Promise<void> {
  let tarball: string | undefined;
  try {
    for (const dockerHost of dockerHosts) {
      if (await hasTestImage(dockerHost)) {
        say(`${TEST_IMAGE} already exists on ${dockerHost}: reusing it`);
        continue;
      }
      tarball ??= await buildRootfsTarball();
      say(`importing ${TEST_IMAGE} into ${dockerHost}`);
      await run(
        'docker',
        [
          'import',
          '--change',
          'CMD ["/bin/sh"]',
          '--change',
          `LABEL ${TEST_LABEL}=1`,
          '--message',
          'gantry test image (busybox-static)',
          tarball,
          TEST_IMAGE,
        ],
        { env: dockerCliEnv(dockerHost) },
      );
    }
  } finally {
    if (tarball) rmSync(tarball, { force: true });
  }
}

async function hasTestImage(dockerHost: string): Promise<boolean> {
  const inspect = await tryRun(
    'docker',
    ['image', 'inspect', '--format', `{{ index .Config.Labels "${TEST_LABEL}" }}`, TEST_IMAGE],
    { env: dockerCliEnv(dockerHost) },
  );
  return inspect.code === 0 && inspect.stdout.trim() === '1';
}

async function buildRootfsTarball(): Promise<string> {
  const busybox = staticBusybox();
  if (!busybox)
    throw new Error('no statically linked busybox in PATH (Debian: apt-get install busybox-static)');
  const rootfs = join(WORK_DIR, `image-rootfs-${process.pid}`);
  const tarball = `${rootfs}.tar`;
  rmSync(rootfs, { recursive: true, force: true });
  try {
    say(`building the test image's rootfs from ${busybox}`);
    await populateRootfs(rootfs, busybox);
    // Owned by root inside the image whoever builds it; numeric, so no name lookup on this machine.
    await run('tar', [
      '--create',
      '--file',
      tarball,
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '-C',
      rootfs,
      '.',
    ]);
    return tarball;
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}

async function populateRootfs(rootfs: string, busybox: string): Promise<void> {
  for (const dir of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'root', 'proc', 'sys', 'dev', 'tmp']) {
    mkdirSync(join(rootfs, dir), { recursive: true });
  }
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  chmodSync(join(rootfs, 'root'), 0o700);
  copyFileSync(busybox, join(rootfs, 'bin/busybox'));
  chmodSync(join(rootfs, 'bin/busybox'), 0o755);
  for (const path of await appletPaths(busybox)) {
    const link = join(rootfs, path);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync('/bin/busybox', link);
  }
  writeFileSync(
    join(rootfs, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
  );
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
}

/**
 * Where each applet goes: its usual place (`--list-full`: usr/bin/env, sbin/ifconfig...) and, for
 * every applet, bin/<applet> too, so any PATH order finds them all.
 */
async function appletPaths(busybox: string): Promise<string[]> {
  const lines = (output: string) =>
    output
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  const full = lines(await run(busybox, ['--list-full']));
  const names = lines(await run(busybox, ['--list']));
  const paths = new Set([...full, ...names.map((name) => `bin/${name}`)]);
  paths.delete('bin/busybox');
  return [...paths];
}
