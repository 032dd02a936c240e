/**
 * Shell completion: which candidates `gantry __complete` offers for a command line (commands, verbs,
 * flags, flag values, engine names by usage word), table-driven against a fake engine lister; the
 * `__complete` and `completion` commands on fake IO. The real shells run in
 * test/integration/completion.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerSummary } from '@gantry/engine';
import {
  type Completion,
  type ContainerState,
  complete,
  DIRECTIVE,
  type EngineNames,
  usageToken,
} from '../../src/completion/candidates.ts';
import { runFake } from '../support.ts';

const CONTAINERS: Readonly<Record<ContainerState, readonly string[]>> = {
  all: ['web', 'worker', 'db-old'],
  running: ['web', 'worker'],
  stopped: ['db-old'],
  paused: [],
};

/** A fake engine answering from fixed lists and recording what was asked, and with which global flags. */
function fakeEngine() {
  const asked: string[] = [];
  const globals: Array<readonly string[]> = [];
  const engineFor = (globalWords: readonly string[]): EngineNames => {
    globals.push(globalWords);
    return {
      containers: async (state) => {
        asked.push(`containers:${state}`);
        return CONTAINERS[state];
      },
      images: async () => {
        asked.push('images');
        return ['busybox:latest', 'busybox:1.36', 'nginx:1.27'];
      },
      networks: async () => {
        asked.push('networks');
        return ['bridge', 'host', 'backend'];
      },
      volumes: async () => {
        asked.push('volumes');
        return ['data'];
      },
    };
  };
  return { asked, globals, engineFor };
}

const values = (completion: Completion) => completion.candidates.map((candidate) => candidate.value);

describe('completion candidates', () => {
  const cases: Array<{
    words: string[];
    expect: string[] | ((found: string[]) => void);
    asked?: string[];
    directive?: number;
  }> = [
    // Positional arguments named by the usage line: containers (by state), images, networks, …
    { words: ['stop', ''], expect: ['web', 'worker'], asked: ['containers:running'] },
    { words: ['container', 'stop', 'w'], expect: ['web', 'worker'], asked: ['containers:running'] },
    { words: ['start', ''], expect: ['db-old'], asked: ['containers:stopped'] },
    { words: ['rm', '-f', 'web', ''], expect: ['db-old', 'web', 'worker'], asked: ['containers:all'] },
    { words: ['logs', '--tail', '5', 'wo'], expect: ['worker'], asked: ['containers:all'] },
    { words: ['rmi', 'busybox:'], expect: ['busybox:1.36', 'busybox:latest'], asked: ['images'] },
    { words: ['image', 'history', 'ng'], expect: ['nginx:1.27'], asked: ['images'] },
    {
      words: ['inspect', ''],
      expect: ['busybox:1.36', 'busybox:latest', 'db-old', 'nginx:1.27', 'web', 'worker'],
      asked: ['containers:all', 'images'],
    },
    { words: ['run', '-it', '--rm', 'b'], expect: ['busybox:1.36', 'busybox:latest'], asked: ['images'] },
    // After the image, `run` takes the container's command: the shell completes paths.
    { words: ['run', '-it', 'busybox', ''], expect: [], asked: [], directive: DIRECTIVE.default },
    // Flags of `run` end at the image, so `-x` after it is the container's, not gantry's.
    { words: ['run', 'busybox', '-'], expect: [], asked: [], directive: DIRECTIVE.default },
    { words: ['network', 'connect', ''], expect: ['backend', 'bridge', 'host'], asked: ['networks'] },
    { words: ['network', 'connect', 'backend', 'we'], expect: ['web'], asked: ['containers:all'] },
    { words: ['volume', 'rm', ''], expect: ['data'], asked: ['volumes'] },
    { words: ['completion', ''], expect: ['bash', 'fish', 'zsh'], asked: [] },
    // Flag values.
    { words: ['ps', '--format', ''], expect: ['json', 'table'], asked: [] },
    { words: ['run', '--network', 'b'], expect: ['backend', 'bridge'], asked: ['networks'] },
    { words: ['--log-level', 'w'], expect: ['warn'], asked: [] },
    // A value flag taking a path or free text: the shell's file completion, no engine call.
    { words: ['-H', ''], expect: [], asked: [], directive: DIRECTIVE.default },
    { words: ['ps', '--filter', ''], expect: [], asked: [], directive: DIRECTIVE.default },
    // Flags.
    { words: ['ps', '--f'], expect: ['--filter', '--format'], asked: [] },
    {
      words: ['ps', '-'],
      expect: (found) => {
        for (const flag of ['-a', '--all', '-q', '--quiet', '--no-trunc', '--help'])
          assert.ok(found.includes(flag), flag);
      },
      asked: [],
    },
    { words: ['ps', '-a', '--no'], expect: ['--no-trunc'], asked: [] },
    { words: ['--tlsv'], expect: ['--tlsverify'], asked: [] },
    // Commands and verbs, from the registry.
    {
      words: [''],
      expect: (found) => {
        for (const name of ['ps', 'images', 'run', 'container', 'image', 'version'])
          assert.ok(found.includes(name), name);
        assert.ok(
          !found.includes('__complete') && !found.includes('completion'),
          'hidden commands stay hidden',
        );
      },
      asked: [],
    },
    {
      words: ['-D', 'ima'],
      expect: (found) => assert.deepEqual(found.slice(0, 2), ['image', 'images']),
      asked: [],
    },
    {
      words: ['container', 'l'],
      expect: (found) => {
        for (const verb of ['list', 'ls', 'logs']) assert.ok(found.includes(verb), verb);
        assert.ok(found.every((verb) => verb.startsWith('l')));
      },
      asked: [],
    },
    // Nothing to offer: an unknown command, an argument that is not an engine object.
    { words: ['frobnicate', ''], expect: [], asked: [] },
    { words: ['rename', 'web', ''], expect: [], asked: [] },
  ];
  for (const { words, expect, asked, directive } of cases) {
    it(`gantry ${words.map((word) => word || "''").join(' ')}`, async () => {
      const engine = fakeEngine();
      const completion = await complete(words, engine.engineFor);
      const found = values(completion);
      if (typeof expect === 'function') expect(found);
      else assert.deepEqual(found, expect);
      if (asked) assert.deepEqual(engine.asked, asked);
      assert.equal(completion.directive, directive ?? DIRECTIVE.noFiles);
    });
  }

  it('names come from the engine the typed global flags select', async () => {
    const engine = fakeEngine();
    await complete(['-H', 'tcp://10.0.0.5:2375', '--context=x', 'stop', ''], engine.engineFor);
    await complete(['-D', 'ps', '-a', ''], engine.engineFor); // ps takes no argument: no engine call
    await complete(['stop', ''], engine.engineFor);
    assert.deepEqual(engine.globals, [['-H', 'tcp://10.0.0.5:2375', '--context=x'], []]);
  });

  it('an engine that fails gives no names rather than an error', async () => {
    const failing = (): EngineNames => {
      const fail = async () => {
        throw new Error('cannot reach the engine');
      };
      return { containers: fail, images: fail, networks: fail, volumes: fail };
    };
    assert.deepEqual(await complete(['inspect', ''], failing), {
      candidates: [],
      directive: DIRECTIVE.noFiles,
    });
  });

  it('commands and flags carry their descriptions (for zsh and fish)', async () => {
    const { candidates } = await complete(['ps', '--al'], fakeEngine().engineFor);
    assert.deepEqual(candidates, [
      { value: '--all', description: 'Show all containers (default shows just running)' },
    ]);
  });
});

describe('usage words by argument position', () => {
  const cases: Array<[usage: string, index: number, token: string | undefined]> = [
    ['[OPTIONS] CONTAINER [CONTAINER...]', 0, 'CONTAINER'],
    ['[OPTIONS] CONTAINER [CONTAINER...]', 4, 'CONTAINER'],
    ['[OPTIONS] IMAGE [COMMAND] [ARG...]', 1, 'COMMAND'],
    ['[OPTIONS] IMAGE [COMMAND] [ARG...]', 3, 'ARG'],
    ['[OPTIONS] [REPOSITORY[:TAG]]', 0, 'REPOSITORY[:TAG'],
    ['[OPTIONS] [REPOSITORY[:TAG]]', 1, undefined],
    ['[OPTIONS] PATH | URL | -', 0, 'PATH|URL|-'],
    ['CONTAINER NEW_NAME', 1, 'NEW_NAME'],
    ['[OPTIONS]', 0, undefined],
  ];
  for (const [usage, index, token] of cases) {
    it(`${usage} #${index} -> ${token}`, () => assert.equal(usageToken(usage, index), token));
  }
});

describe('gantry __complete and gantry completion', () => {
  it('__complete prints value<TAB>description lines, then :directive, listing from the client', async () => {
    const filters: unknown[] = [];
    const list = async (options: { filters?: unknown }) => {
      filters.push(options.filters);
      return [{ Names: ['/web'] }, { Names: ['/worker', '/web/worker-link'] }] as ContainerSummary[];
    };
    const result = await runFake(['__complete', '--', 'stop', 'w'], { client: { containers: { list } } });
    assert.deepEqual([result.code, result.stdout, result.stderr], [0, 'web\nworker\n:4\n', '']);
    assert.deepEqual(filters, [{ status: ['running'] }]);
    const flags = await runFake(['__complete', '--', 'ps', '--quie']);
    assert.equal(flags.stdout, '--quiet\tOnly display container IDs\n:4\n');
  });

  it('completion bash|zsh|fish prints a script that calls back into gantry __complete', async () => {
    const scripts = {
      bash: /complete -o default -F _gantry gantry/,
      zsh: /compdef _gantry gantry/,
      fish: /complete -c gantry -f -a '\(__gantry_candidates\)'/,
    };
    for (const [shell, registers] of Object.entries(scripts)) {
      const result = await runFake(['completion', shell]);
      assert.equal(result.code, 0, shell);
      assert.match(result.stdout, registers);
      assert.match(result.stdout, /__complete --/);
    }
  });

  it('an unknown shell is refused naming the ones there are; both commands stay out of help', async () => {
    const result = await runFake(['completion', 'tcsh']);
    assert.deepEqual(
      [result.code, result.stderr],
      [1, 'unsupported shell "tcsh" — use one of: bash, zsh, fish\n'],
    );
    const help = await runFake(['--help']);
    assert.doesNotMatch(help.stdout, /complet/);
  });
});
