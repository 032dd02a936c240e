/** `gantry commit` against the harness engine: the image it makes, and docker's errors and exit codes. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { connect } from '@gantry/engine';
import { type Captured, gantry, runProcess } from '../support.ts';

const DOCKER_CLI = '/usr/local/bin/docker';
const TEST_LABEL = process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test';
const TEST_IMAGE = process.env.GANTRY_TEST_IMAGE ?? 'gantry-test/busybox:latest';
const skip =
  process.env.GANTRY_TEST_ENGINE === 'podman' ? 'Podman: the CLI is verified on Docker Engine first' : false;
const noDocker = existsSync(DOCKER_CLI) ? false : `${DOCKER_CLI} is not installed`;
const run = randomBytes(4).toString('hex');
/** Under gantry-test-tmp/: the harness removes such tags at teardown, whatever happens here. */
const repository = `gantry-test-tmp/commit-${run}`;

const asGantry = (result: Captured): Captured => ({
  ...result,
  stderr: result.stderr.replaceAll('docker', 'gantry'),
});

describe('gantry commit', { skip }, () => {
  const engine = connect();
  let containerId = '';

  before(async () => {
    ({ Id: containerId } = await engine.containers.create({
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'echo made > /made-here'],
      Labels: { [TEST_LABEL]: '1' },
    }));
    await engine.containers.start(containerId);
    await engine.containers.wait(containerId);
  });

  after(async () => {
    await engine.containers.remove(containerId, { force: true }).catch(() => {});
    await engine.images.remove(`${repository}:v1`, { force: true }).catch(() => {});
    await engine.close();
  });

  it('makes an image with the changes, author, message and --change instructions; prints its ID', async () => {
    const result = await gantry([
      'commit',
      '-a',
      'Gantry Tests <tests@gantry.invalid>',
      '-m',
      'from the commit test',
      '-c',
      'ENV MADE_BY=gantry',
      '--change',
      'CMD ["cat", "/made-here"]',
      containerId,
      `${repository}:v1`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const image = await engine.images.inspect(`${repository}:v1`);
    assert.equal(result.stdout, `${image.Id}\n`);
    assert.equal(image.Author, 'Gantry Tests <tests@gantry.invalid>');
    assert.equal(image.Comment, 'from the commit test');
    assert.ok(image.Config?.Env?.includes('MADE_BY=gantry'), String(image.Config?.Env));
    assert.deepEqual(image.Config?.Cmd, ['cat', '/made-here']);
    const { exitCode, stdout } = await engine.run(`${repository}:v1`, undefined, {
      remove: true,
      labels: { [TEST_LABEL]: '1' },
    });
    assert.equal(exitCode, 0);
    assert.equal(stdout.toString(), 'made\n');
  });

  it('a missing container and a digest reference fail as docker fails', { skip: noDocker }, async () => {
    for (const args of [
      ['commit', `gantry-test-no-such-${run}`],
      ['commit', containerId, `${repository}@sha256:${'a'.repeat(64)}`],
    ]) {
      const ours = await gantry(args);
      const theirs = asGantry(await runProcess(DOCKER_CLI, args));
      assert.deepEqual(ours, theirs, `gantry ${args.join(' ')}`);
    }
  });
});
