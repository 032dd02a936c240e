/**
 * Keeps the command table honest: every command module is registered, loads, and has a definition
 * the parser and help can use; names and aliases are unique.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { commands, findCommand, groups } from '../../src/registry.ts';

const COMMANDS_DIR = join(import.meta.dirname, '..', '..', 'src', 'commands');

function commandFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? commandFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [relative(COMMANDS_DIR, join(dir, entry.name))]
        : [],
  );
}

describe('command registry', () => {
  it('every file under src/commands is registered exactly once', async () => {
    const loaded = await Promise.all(commands.map((entry) => entry.load()));
    const files = commandFiles(COMMANDS_DIR);
    for (const file of files) {
      const module = await import(join(COMMANDS_DIR, file));
      const registered = loaded.filter((candidate) => candidate.definition === module.definition);
      assert.equal(registered.length, 1, `${file} must appear once in src/registry.ts`);
    }
    assert.equal(
      loaded.length,
      files.length,
      'a registry entry points at a module that is not a command file',
    );
  });

  it('every command has a summary, a usage line, a run function and sane flags', async () => {
    for (const entry of commands) {
      const { definition, run } = await entry.load();
      assert.equal(typeof run, 'function', entry.path);
      assert.ok(definition.summary.length > 0, `${entry.path}: summary`);
      assert.equal(typeof definition.usage, 'string', `${entry.path}: usage`);
      const shorts = Object.values(definition.flags).flatMap((spec) => (spec.short ? [spec.short] : []));
      assert.equal(new Set(shorts).size, shorts.length, `${entry.path}: duplicate short flag`);
      for (const name of Object.keys(definition.flags))
        assert.match(name, /^[a-z][a-z0-9-]*$/, `${entry.path}: --${name}`);
      const args = Object.values(definition.args);
      assert.ok(
        args.slice(0, -1).every((spec) => !spec.variadic),
        `${entry.path}: only the last argument may be variadic`,
      );
    }
  });

  it('paths and aliases are unique and reachable; groups exist for every grouped path', () => {
    const names = commands.flatMap((entry) => [entry.path, ...entry.aliases]);
    assert.equal(new Set(names).size, names.length);
    for (const name of names) {
      assert.ok(findCommand(name), name);
      if (name.includes(' '))
        assert.ok(
          groups.some((group) => name.startsWith(`${group.name} `)),
          name,
        );
    }
  });

  it("docker's aliases: ps = container ls = container list = container ps; images = image ls", () => {
    for (const alias of ['ps', 'container list', 'container ps'])
      assert.equal(findCommand(alias)?.path, 'container ls');
    for (const alias of ['images', 'image list']) assert.equal(findCommand(alias)?.path, 'image ls');
    assert.equal(findCommand('info')?.path, 'system info');
  });
});
