/**
 * `.dockerignore` matching. The tables are Docker's own expectations: the cases of moby
 * `patternmatcher`'s tests (which the docker CLI runs its excludes through, and which include Go's
 * `filepath.Match` cases) and the behaviour the `.dockerignore` reference documents. The
 * integration test build.test.ts cross-checks a whole context against the real docker CLI.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cleanPath, DockerignoreMatcher, parseDockerignore } from '../../src/dockerignore.ts';

/** `exact`: the pattern matches the path itself; `parent`: only a parent directory; `none`: neither. */
type Outcome = 'exact' | 'parent' | 'none';

// pattern, path, outcome — patternmatcher's TestMatches table.
const SINGLE_PATTERN: [string, string, Outcome][] = [
  ['**', 'file', 'exact'],
  ['**', 'file/', 'exact'],
  ['**/', 'file', 'exact'],
  ['**/', 'file/', 'exact'],
  ['**', '/', 'exact'],
  ['**/', '/', 'exact'],
  ['**', 'dir/file', 'exact'],
  ['**/', 'dir/file', 'exact'],
  ['**', 'dir/file/', 'exact'],
  ['**/', 'dir/file/', 'exact'],
  ['**/**', 'dir/file', 'exact'],
  ['**/**', 'dir/file/', 'exact'],
  ['dir/**', 'dir/file', 'exact'],
  ['dir/**', 'dir/file/', 'exact'],
  ['dir/**', 'dir/dir2/file', 'exact'],
  ['dir/**', 'dir/dir2/file/', 'exact'],
  ['**/dir', 'dir', 'exact'],
  ['**/dir', 'dir/file', 'parent'],
  ['**/dir2/*', 'dir/dir2/file', 'exact'],
  ['**/dir2/*', 'dir/dir2/file/', 'parent'],
  ['**/dir2/**', 'dir/dir2/dir3/file', 'exact'],
  ['**/dir2/**', 'dir/dir2/dir3/file/', 'exact'],
  ['**file', 'file', 'exact'],
  ['**file', 'dir/file', 'exact'],
  ['**/file', 'dir/file', 'exact'],
  ['**file', 'dir/dir/file', 'exact'],
  ['**/file', 'dir/dir/file', 'exact'],
  ['**/file*', 'dir/dir/file', 'exact'],
  ['**/file*', 'dir/dir/file.txt', 'exact'],
  ['**/file*txt', 'dir/dir/file.txt', 'exact'],
  ['**/file*.txt', 'dir/dir/file.txt', 'exact'],
  ['**/file*.txt*', 'dir/dir/file.txt', 'exact'],
  ['**/**/*.txt', 'dir/dir/file.txt', 'exact'],
  ['**/**/*.txt2', 'dir/dir/file.txt', 'none'],
  ['**/*.txt', 'file.txt', 'exact'],
  ['**/**/*.txt', 'file.txt', 'exact'],
  ['a**/*.txt', 'a/file.txt', 'exact'],
  ['a**/*.txt', 'a/dir/file.txt', 'exact'],
  ['a**/*.txt', 'a/dir/dir/file.txt', 'exact'],
  ['a/*.txt', 'a/dir/file.txt', 'none'],
  ['a/*.txt', 'a/file.txt', 'exact'],
  ['a/*.txt**', 'a/file.txt', 'exact'],
  ['a[b-d]e', 'ae', 'none'],
  ['a[b-d]e', 'ace', 'exact'],
  ['a[b-d]e', 'aae', 'none'],
  ['a[^b-d]e', 'aze', 'exact'],
  ['.*', '.foo', 'exact'],
  ['.*', 'foo', 'none'],
  ['abc.def', 'abcdef', 'none'],
  ['abc.def', 'abc.def', 'exact'],
  ['abc.def', 'abcZdef', 'none'],
  ['abc?def', 'abcZdef', 'exact'],
  ['abc?def', 'abcdef', 'none'],
  ['**/foo/bar', 'foo/bar', 'exact'],
  ['**/foo/bar', 'dir/foo/bar', 'exact'],
  ['**/foo/bar', 'dir/dir2/foo/bar', 'exact'],
  ['abc/**', 'abc', 'none'],
  ['abc/**', 'abc/def', 'exact'],
  ['abc/**', 'abc/def/ghi', 'exact'],
  ['**/.foo', '.foo', 'exact'],
  ['**/.foo', 'bar.foo', 'none'],
  ['a(b)c/def', 'a(b)c/def', 'exact'],
  ['a(b)c/def', 'a(b)c/xyz', 'none'],
  ['a.|)$(}+{bc', 'a.|)$(}+{bc', 'exact'],
  [
    'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl',
    'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl',
    'exact',
  ],
  ['dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'exact'],
  ['a\\\\', 'a\\', 'exact'],
  ['a\\*b', 'a*b', 'exact'],
];

describe('one pattern, as patternmatcher matches it', () => {
  for (const [pattern, path, outcome] of SINGLE_PATTERN) {
    test(`${JSON.stringify(pattern)} vs ${JSON.stringify(path)}: ${outcome}`, () => {
      const matcher = new DockerignoreMatcher([pattern]);
      // With parent directories checked (MatchesOrParentMatches) ...
      assert.equal(matcher.match(path).excluded, outcome !== 'none');
      // ... and against the path alone: the parent's result says "not matched" (MatchesExact).
      assert.equal(matcher.match(path, { matched: [false] }).excluded, outcome === 'exact');
    });
  }
});

// Go's filepath.Match table as patternmatcher runs it through the CLI's older `Matches` (which also
// compares the first parent segment): pattern, path, result or 'error' for a bad pattern.
const GLOB: [string, string, boolean | 'error'][] = [
  ['abc', 'abc', true],
  ['*', 'abc', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ab/c', true],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true],
  ['[\\-x]', '-', true],
  ['[\\-x]', 'a', false],
  ['[]a]', ']', 'error'],
  ['[-]', '-', 'error'],
  ['[x-]', 'x', 'error'],
  ['[x-]', '-', 'error'],
  ['[x-]', 'z', 'error'],
  ['[-x]', 'x', 'error'],
  ['[-x]', '-', 'error'],
  ['[-x]', 'a', 'error'],
  ['\\', 'a', 'error'],
  ['[a-b-c]', 'a', 'error'],
  ['[', 'a', 'error'],
  ['[^', 'a', 'error'],
  ['[^bc', 'a', 'error'],
  ['a[', 'a', 'error'],
  ['a[', 'ab', 'error'],
  ['*x', 'xxx', true],
  // One `?` is one character, also outside the Basic Multilingual Plane.
  ['a?b', 'a😀b', true],
  // `!` does not negate a class in Go: it is a member.
  ['a[!b]c', 'a!c', true],
  ['a[!b]c', 'axc', false],
];

describe('glob syntax (Go filepath.Match through patternmatcher)', () => {
  for (const [pattern, path, expected] of GLOB) {
    test(`${JSON.stringify(pattern)} vs ${JSON.stringify(path)}: ${expected}`, () => {
      if (expected === 'error') {
        assert.throws(() => new DockerignoreMatcher([pattern]), {
          code: 'INVALID_ARGUMENT',
          message: /\.dockerignore pattern 1 .* is invalid/,
        });
      } else {
        assert.equal(new DockerignoreMatcher([pattern]).matchesLegacy(path), expected);
      }
    });
  }
});

describe('several patterns: the last match wins', () => {
  const cases: [string[], string, boolean][] = [
    // patternmatcher's multi-pattern table
    [['**', '!util/docker/web'], 'util/docker/web/foo', false],
    [['**', '!util/docker/web', 'util/docker/web/foo'], 'util/docker/web/foo', true],
    [
      ['**', '!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl'],
      'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl',
      false,
    ],
    [['**', '!dist/*.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', false],
    [['!fileutils.go', '*.go'], 'fileutils.go', true],
    [['*.go', '!fileutils.go'], 'fileutils.go', false],
    [['docs', '!docs/README.md'], 'docs/README.md', false],
    [['docs/', '!docs/README.md'], 'docs/README.md', false],
    [['docs/*', '!docs/README.md'], 'docs/README.md', false],
    // The .dockerignore reference's examples
    [['*.md', '!README.md'], 'CONTRIBUTING.md', true],
    [['*.md', '!README.md'], 'README.md', false],
    [['*.md', '!README*.md', 'README-secret.md'], 'README-secret.md', true],
    [['*.md', '!README*.md', 'README-secret.md'], 'README-public.md', false],
    [['*.md', 'README-secret.md', '!README*.md'], 'README-secret.md', false],
    [['*/temp*'], 'somedir/temporary.txt', true],
    [['*/temp*'], 'somedir/temp', true],
    [['*/temp*'], 'temp', false],
    [['*/*/temp*'], 'somedir/subdir/temporary.txt', true],
    [['*/*/temp*'], 'somedir/temporary.txt', false],
    [['temp?'], 'tempa', true],
    [['temp?'], 'temp', false],
    [['**/*.go'], 'a/b/c.go', true],
    [['**/*.go'], 'c.go', true],
    // A pattern matching a directory excludes everything below it.
    [['node_modules'], 'node_modules/a/b/index.js', true],
    [['node_modules'], 'src/node_modules/x.js', false],
    [['**/node_modules'], 'src/node_modules/x.js', true],
    // Patterns match from the context root only.
    [['foo.txt'], 'dir/foo.txt', false],
  ];
  for (const [patterns, path, excluded] of cases) {
    test(`${JSON.stringify(patterns)} ${excluded ? 'excludes' : 'keeps'} ${path}`, () => {
      assert.equal(new DockerignoreMatcher(patterns).excludes(path), excluded);
    });
  }

  test('the root itself is never excluded', () => {
    assert.equal(new DockerignoreMatcher(['*', '**', '.']).excludes('.'), false);
    assert.equal(new DockerignoreMatcher(['*']).excludes('./'), false);
  });

  test('a parent result is reused: an exception under an excluded directory re-includes', () => {
    const matcher = new DockerignoreMatcher(['vendor', '!vendor/keep']);
    const vendor = matcher.match('vendor');
    assert.equal(vendor.excluded, true);
    assert.equal(matcher.match('vendor/keep', vendor.state).excluded, false);
    assert.equal(matcher.match('vendor/other', vendor.state).excluded, true);
  });
});

describe('reading .dockerignore', () => {
  test('comments, blank lines, trimming, cleaning, a leading slash and exceptions', () => {
    const text = [
      '# build output',
      '/dist/',
      '',
      '   ',
      '  *.log  ',
      '!  keep.log',
      './a/../b/',
      '!/x/y/',
      '  # indented: a pattern, not a comment',
      'c//d/./e',
      '/',
      '../outside',
    ].join('\n');
    assert.deepEqual(parseDockerignore(text), [
      'dist',
      '*.log',
      '!keep.log',
      'b',
      '!x/y',
      '# indented: a pattern, not a comment',
      'c/d/e',
      '/',
      '../outside',
    ]);
  });

  test('a UTF-8 BOM and CRLF line ends are dropped', () => {
    assert.deepEqual(parseDockerignore('\uFEFF*.tmp\r\n!keep.tmp\r\n'), ['*.tmp', '!keep.tmp']);
    assert.deepEqual(parseDockerignore('\uFEFF# comment'), []);
  });

  test('a lone "!" is refused, as Docker refuses it', () => {
    const patterns = parseDockerignore('a\n!\n');
    assert.deepEqual(patterns, ['a', '!']);
    assert.throws(() => new DockerignoreMatcher(patterns), {
      code: 'INVALID_ARGUMENT',
      message: /pattern 2 \("!"\).*lone "!"/,
    });
  });

  test('an escaped space, an escaped "#" and an escaped "!" are literal characters', () => {
    const matcher = new DockerignoreMatcher(parseDockerignore('\\#notes\n\\!important\nmy\\ file\n'));
    assert.equal(matcher.excludes('#notes'), true);
    assert.equal(matcher.excludes('!important'), true);
    assert.equal(matcher.excludes('my file'), true);
    assert.equal(matcher.excludes('important'), false);
  });
});

describe('Go regexp semantics patternmatcher inherits', () => {
  test('a class holding `*` or `?` is reparsed as RE2 reads the generated expression', () => {
    // `[*]` becomes `^[[^/]*]$`: the class `[[^/]` repeated, then a literal `]`.
    const star = new DockerignoreMatcher(['[*]']);
    assert.equal(star.excludes(']'), true);
    assert.equal(star.excludes('[^]'), true);
    assert.equal(star.excludes('*'), false);
  });

  test('POSIX classes and Perl escapes keep their regexp meaning', () => {
    assert.equal(new DockerignoreMatcher(['[[:digit:]]x']).excludes('7x'), true);
    assert.equal(new DockerignoreMatcher(['[[:digit:]]x']).excludes('ax'), false);
    assert.equal(new DockerignoreMatcher(['v\\d']).excludes('v1'), true);
    assert.equal(new DockerignoreMatcher(['v\\d']).excludes('vd'), false);
  });

  test('`**` inside a name matches across directories; `dir/**` does not match dir', () => {
    const matcher = new DockerignoreMatcher(['a**b']);
    assert.equal(matcher.excludes('a/x/y/b'), true);
    assert.equal(new DockerignoreMatcher(['dir/**']).excludes('dir'), false);
  });

  test('an escape RE2 refuses is a clear INVALID_ARGUMENT', () => {
    assert.throws(() => new DockerignoreMatcher(['a\\q']), {
      code: 'INVALID_ARGUMENT',
      message: /pattern 1 \("a\\\\q"\).*escape/,
    });
  });
});

describe('reopening excluded directories (Docker prefix rule)', () => {
  test('only an exception that starts with the directory path reopens it', () => {
    const matcher = new DockerignoreMatcher(['node_modules', '!node_modules/keep/**', '!**/also']);
    assert.equal(matcher.mayReincludeInside('node_modules'), true);
    assert.equal(matcher.mayReincludeInside('node_modules/keep'), true);
    assert.equal(matcher.mayReincludeInside('node_modules/other'), false);
    // `!**/also` could match inside, but Docker does not look: neither does the walker.
    assert.equal(matcher.mayReincludeInside('vendor'), false);
    assert.equal(new DockerignoreMatcher(['node_modules']).mayReincludeInside('node_modules'), false);
  });
});

test('cleanPath is Go path.Clean', () => {
  const cases: [string, string][] = [
    ['', '.'],
    ['.', '.'],
    ['./', '.'],
    ['a/', 'a'],
    ['a//b', 'a/b'],
    ['a/./b', 'a/b'],
    ['a/../b', 'b'],
    ['a/..', '.'],
    ['../a', '../a'],
    ['../../a/../b', '../../b'],
    ['/', '/'],
    ['/..', '/'],
    ['/../a/', '/a'],
    ['!a/../b', 'b'],
  ];
  for (const [input, output] of cases) assert.equal(cleanPath(input), output, input);
});
