/**
 * Shell completion in the real shells against the harness engine: the script `gantry completion
 * <shell>` prints is loaded into bash, zsh and fish, the completion is invoked as the shell would
 * (bash: COMP_WORDS / COMP_CWORD / COMP_LINE and the function; fish: `complete -C`; zsh: the
 * function with `words` / `CURRENT` and the compsys output functions stubbed), and the names of a
 * container this test created must come back from the engine through `gantry __complete`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from '@gantry/engine';
import { CLI_ROOT, gantry, runProcess } from '../support.ts';

const TEST_LABEL = process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test';
const TEST_IMAGE = process.env.GANTRY_TEST_IMAGE ?? 'gantry-test/busybox:latest';
const skip =
  process.env.GANTRY_TEST_ENGINE === 'podman'
    ? 'Podman: the CLI is checked against Docker Engine (docs/podman.md)'
    : false;

const run = randomBytes(4).toString('hex');
const running = `gantry-test-compl-${run}`;
/** The scripts call back into `gantry` as typed: bin/ first on PATH makes that this checkout's. */
const env = { ...process.env, PATH: `${join(CLI_ROOT, 'bin')}${delimiter}${process.env.PATH ?? ''}` };

/** Runs `shell args…`, skipping the test when the shell is not installed. */
async function shell(program: string, args: readonly string[]) {
  const result = await runProcess(program, args, env).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  return result;
}

describe('shell completion against the engine', { skip }, () => {
  const engine = connect();
  const dir = mkdtempSync(join(tmpdir(), 'gantry-completion-'));
  const scripts: Record<string, string> = {};

  before(async () => {
    const created = await engine.containers.create({
      name: running,
      Image: TEST_IMAGE,
      Cmd: ['sleep', '300'],
      Labels: { [TEST_LABEL]: '1' },
    });
    await engine.containers.start(created.Id);
    for (const name of ['bash', 'zsh', 'fish']) {
      const result = await gantry(['completion', name]);
      assert.equal(result.code, 0, result.stderr);
      scripts[name] = join(dir, `gantry.${name}`);
      writeFileSync(scripts[name], result.stdout);
    }
  });

  after(async () => {
    await engine.containers.remove(running, { force: true }).catch(() => undefined);
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** COMPREPLY after bash completes `line` (the cursor at its end), one reply per line. */
  async function bashComplete(line: string): Promise<string[]> {
    const script = [
      `source ${scripts.bash}`,
      `COMP_LINE=${JSON.stringify(line)}`,
      `COMP_POINT=\${#COMP_LINE}`,
      // bash's own split: at blanks and at COMP_WORDBREAKS characters such as ':' and '='.
      `read -r -a COMP_WORDS <<< "\${COMP_LINE//:/ : }"`,
      '[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")',
      `COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))`,
      '_gantry',
      `printf "%s\\n" "\${COMPREPLY[@]}"`,
    ].join('\n');
    const result = await runProcess('bash', ['--norc', '--noprofile', '-c', script], env);
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.split('\n').filter(Boolean);
  }

  it('bash: the script registers _gantry and completes running containers for stop, not for start', async () => {
    const registered = await runProcess(
      'bash',
      ['--norc', '--noprofile', '-c', `source ${scripts.bash} && complete -p gantry`],
      env,
    );
    assert.equal(registered.stdout.trim(), 'complete -o default -F _gantry gantry');
    assert.deepEqual(await bashComplete(`gantry stop gantry-test-compl-${run.slice(0, 3)}`), [running]);
    assert.ok((await bashComplete('gantry container stop ')).includes(running));
    assert.ok(
      !(await bashComplete('gantry start ')).includes(running),
      'start offers stopped containers only',
    );
  });

  it('bash: image names with a tag, commands and flags', async () => {
    const [repository, tag] = TEST_IMAGE.split(':') as [string, string];
    // bash replaces only what follows the last ':' — the reply is cut to match.
    assert.ok((await bashComplete(`gantry rmi ${repository}:${tag.slice(0, 2)}`)).includes(tag));
    assert.ok((await bashComplete('gantry image inspect ')).includes(TEST_IMAGE));
    assert.deepEqual(await bashComplete('gantry ps --fo'), ['--format']);
    const commands = await bashComplete('gantry ');
    for (const name of ['ps', 'images', 'container', 'version']) assert.ok(commands.includes(name), name);
  });

  it('zsh: the script parses, defines _gantry for compdef, and offers the container', async (t) => {
    const syntax = await shell('zsh', ['-n', scripts.zsh as string]);
    if (!syntax) return t.skip('zsh is not installed');
    assert.equal(syntax.code, 0, syntax.stderr);
    // compsys' output functions print instead of feeding the line editor.
    const script = [
      'autoload -U compinit && compinit -u -D',
      `source ${scripts.zsh}`,
      'print -r -- "registered=$_comps[gantry]"',
      `_describe() { print -rl -- "\${candidates[@]}" }`,
      '_files() { print -r -- FILES }',
      `words=(gantry stop ${running.slice(0, -2)}); CURRENT=3; _gantry`,
      'words=(gantry ps --fo); CURRENT=3; _gantry',
    ].join('\n');
    const result = await runProcess('zsh', ['-f', '-c', script], env);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\n').filter(Boolean), [
      'registered=_gantry',
      running,
      '--format:Format output using a custom template:',
    ]);
  });

  it('fish: the script parses and `complete -C` offers the container and flags', async (t) => {
    const syntax = await shell('fish', ['--no-execute', scripts.fish as string]);
    if (!syntax) return t.skip('fish is not installed');
    assert.equal(syntax.code, 0, syntax.stderr);
    const script = [
      `source ${scripts.fish}`,
      `complete -C "gantry stop ${running.slice(0, -2)}"`,
      'complete -C "gantry ps --fo"',
    ].join('\n');
    const result = await runProcess('fish', ['--no-config', '-c', script], env);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\n').filter(Boolean), [
      running,
      '--format\tFormat output using a custom template:',
    ]);
  });
});
