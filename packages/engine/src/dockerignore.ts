/**
 * `.dockerignore` exactly as the docker CLI reads and applies it (moby `patternmatcher` and its
 * `ignorefile` reader): lines are trimmed, `#` comment lines (only when `#` is the line's first
 * byte) and blank lines are skipped, each pattern is cleaned like Go's `filepath.Clean` with a
 * leading `/` dropped, `!` marks an exception, and the LAST pattern that matches a path decides.
 * A pattern that matches a directory also excludes everything below it.
 *
 * Glob syntax (Go `filepath.Match` plus `**`): `*` any run of characters except `/`, `?` one
 * character except `/`, `[a-z]` / `[^a-z]` a class (`!` does NOT negate), `\` escapes the next
 * character, `**` any number of path segments (including none). Matching goes through the same
 * regular expression Docker builds, so Docker's quirks carry over: `dir/**` does not match `dir`
 * itself, `**` in the middle of a name matches across `/` (`a**b` matches `a/x/b`), and an
 * escape such as `\d` keeps its regular-expression meaning.
 *
 * @example
 * ```ts
 * import { DockerignoreMatcher, parseDockerignore } from '@gantry/engine';
 * const matcher = new DockerignoreMatcher(parseDockerignore('node_modules\n*.log\n!keep.log\n'));
 * matcher.excludes('node_modules/x/index.js'); // true: a parent directory matches
 * matcher.excludes('keep.log'); // false: the later exception wins
 * ```
 */
import { EngineError } from './errors.ts';

const UTF8_BOM = '\uFEFF';

/**
 * Go's `path.Clean`: collapses `//`, drops `.` segments, resolves `..` against a preceding segment,
 * drops a trailing `/`; an empty result is `.`. (Node's `path.posix.normalize` keeps trailing
 * slashes and leading `./..` differently.)
 *
 * @example
 * ```ts
 * cleanPath('./a//b/../c/'); // 'a/c'
 * cleanPath('/../x'); // '/x'
 * cleanPath(''); // '.'
 * ```
 */
export function cleanPath(path: string): string {
  const rooted = path.startsWith('/');
  const kept: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (kept.length > 0 && kept[kept.length - 1] !== '..') kept.pop();
      else if (!rooted) kept.push('..');
      continue;
    }
    kept.push(segment);
  }
  const joined = kept.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/**
 * Reads `.dockerignore` text into patterns as the docker CLI does (`ignorefile.ReadAll`): a UTF-8
 * BOM is dropped, a line whose FIRST character is `#` is a comment (`  # x` is a pattern), lines
 * are trimmed and blank ones skipped, `!` exceptions keep their `!`, each pattern is cleaned
 * (`./a/../b/` becomes `b`) and a leading `/` is removed (`/tmp` means `tmp` at the context root).
 *
 * @example
 * ```ts
 * parseDockerignore('# build output\n/dist/\n\n*.log\n! keep.log\r\n');
 * // ['dist', '*.log', '!keep.log']
 * ```
 */
export function parseDockerignore(text: string): string[] {
  const patterns: string[] = [];
  const lines = (text.startsWith(UTF8_BOM) ? text.slice(1) : text).split('\n');
  // bufio.Scanner yields no empty token after a final newline.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('#')) continue;
    let pattern = goTrimSpace(line);
    if (pattern === '') continue;
    const exception = pattern.startsWith('!');
    if (exception) pattern = goTrimSpace(pattern.slice(1));
    if (pattern !== '') {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(exception ? `!${pattern}` : pattern);
  }
  return patterns;
}

/** Go's `unicode.IsSpace` set (JavaScript's `\s` differs: it has U+FEFF and lacks U+0085). */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const GO_TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'gu');

/** Go's `strings.TrimSpace`. */
function goTrimSpace(text: string): string {
  return text.replace(GO_TRIM, '');
}

/**
 * Per-pattern results for a directory, handed to its entries so that a pattern which matched the
 * directory need not be evaluated again (moby `MatchInfo`). Opaque.
 *
 * @example
 * ```ts
 * const matcher = new DockerignoreMatcher(['build']);
 * const dir = matcher.match('build');
 * matcher.match('build/out.o', dir.state).excluded; // true, decided by the parent's result
 * ```
 */
export interface ParentMatch {
  readonly matched: readonly boolean[];
}

/**
 * The outcome of {@link DockerignoreMatcher.match}.
 *
 * @example
 * ```ts
 * const { excluded, state }: IgnoreMatch = new DockerignoreMatcher(['*.log']).match('a.log');
 * ```
 */
export interface IgnoreMatch {
  /** True when the path is left out of the build context. */
  readonly excluded: boolean;
  /** Pass to the entries of this path when it is a directory. */
  readonly state: ParentMatch;
}

/** How a pattern is tested, as patternmatcher decides when it compiles the pattern. */
type MatchKind = 'exact' | 'prefix' | 'suffix' | 'regexp';

/** One cleaned pattern (moby `patternmatcher.Pattern`). */
class IgnorePattern {
  readonly exception: boolean;
  /** The cleaned pattern without its `!`. */
  readonly text: string;
  /** `text` split on `/`: the deprecated single-parent check compares that many path segments. */
  readonly segments: number;
  readonly #kind: MatchKind;
  readonly #regexp: RegExp | undefined;

  constructor(source: string, exception: boolean) {
    this.exception = exception;
    this.text = source;
    this.segments = source.split('/').length;
    const compiled = compileGlob(source);
    this.#kind = compiled.kind;
    this.#regexp = compiled.regexp;
  }

  matches(path: string): boolean {
    switch (this.#kind) {
      case 'exact':
        return path === this.text;
      case 'prefix':
        return path.startsWith(this.text.slice(0, -2));
      case 'suffix': {
        const suffix = this.text.slice(2);
        // `**/foo` also matches `foo` at the root.
        return path.endsWith(suffix) || (suffix.startsWith('/') && path === suffix.slice(1));
      }
      default:
        return (this.#regexp as RegExp).test(path);
    }
  }
}

/**
 * Decides which paths `.dockerignore` patterns exclude, with Docker's precedence (the last
 * matching pattern wins; `!` patterns re-include) and parent-directory matching (a pattern that
 * matches `a/b` excludes `a/b/c`). Paths are relative to the context root, `/`-separated, without
 * a leading `./`. Bad patterns (`[`, a trailing `\`, a lone `!`) throw `INVALID_ARGUMENT` here.
 *
 * @example
 * ```ts
 * const matcher = new DockerignoreMatcher(['docs', '!docs/README.md', '**\/*.tmp']);
 * matcher.excludes('docs/guide.md'); // true
 * matcher.excludes('docs/README.md'); // false
 * matcher.excludes('src/a/b.tmp'); // true
 * ```
 */
export class DockerignoreMatcher {
  readonly #patterns: IgnorePattern[] = [];
  /** True when some pattern is an exception (`!…`): excluded directories may then need a look inside. */
  readonly hasExceptions: boolean;

  constructor(patterns: readonly string[]) {
    let exceptions = false;
    for (const [index, raw] of patterns.entries()) {
      let text = goTrimSpace(raw);
      if (text === '') continue;
      text = cleanPath(text);
      const exception = text.startsWith('!');
      if (exception) {
        if (text.length === 1) throw badPattern(raw, index, 'a lone "!" excludes nothing; remove the line');
        text = text.slice(1);
        exceptions = true;
      }
      const problem = globSyntaxProblem(text);
      if (problem) throw badPattern(raw, index, problem);
      try {
        this.#patterns.push(new IgnorePattern(text, exception));
      } catch (err) {
        throw badPattern(raw, index, err instanceof EngineError ? err.message : String(err));
      }
    }
    this.hasExceptions = exceptions;
  }

  /**
   * Whether `path` is excluded: the path itself or one of its parent directories matches (moby
   * `MatchesOrParentMatches`). `.` (the root) is never excluded.
   *
   * @example
   * ```ts
   * new DockerignoreMatcher(['*', '!src']).excludes('src/index.ts'); // false
   * ```
   */
  excludes(path: string): boolean {
    const cleaned = cleanPath(path);
    if (cleaned === '.') return false;
    return this.match(cleaned).excluded;
  }

  /**
   * Matches `path` using the result of its parent directory (moby `MatchesUsingParentResults`), as
   * the context walker does. Without `parent`, parent directories are checked one by one.
   *
   * @example
   * ```ts
   * const matcher = new DockerignoreMatcher(['vendor', '!vendor/keep']);
   * const vendor = matcher.match('vendor'); // excluded
   * matcher.match('vendor/keep', vendor.state).excluded; // false
   * ```
   */
  match(path: string, parent?: ParentMatch): IgnoreMatch {
    const inherited = parent?.matched;
    const matched: boolean[] = new Array(this.#patterns.length).fill(false);
    let excluded = false;
    for (const [index, pattern] of this.#patterns.entries()) {
      let hit = inherited?.[index] ?? false;
      if (!hit) {
        // An inclusion cannot change an excluded path, nor an exception an included one.
        if (pattern.exception !== excluded) continue;
        hit = pattern.matches(path);
        if (!hit && inherited === undefined)
          hit = parentDirectories(path).some((dir) => pattern.matches(dir));
      }
      matched[index] = hit;
      if (hit) excluded = !pattern.exception;
    }
    return { excluded, state: { matched } };
  }

  /**
   * The docker CLI's older check (moby `Matches`, which `TrimBuildFilesFromExcludes` still uses to
   * decide whether the Dockerfile and `.dockerignore` need an exception): besides the path itself
   * it compares only the parent prefix with as many segments as the pattern has.
   *
   * @example
   * ```ts
   * new DockerignoreMatcher(['a']).matchesLegacy('a/b/Dockerfile'); // true: `a` matches the first segment
   * new DockerignoreMatcher(['b']).matchesLegacy('a/b/Dockerfile'); // false: only `a` is compared
   * ```
   */
  matchesLegacy(path: string): boolean {
    const cleaned = cleanPath(path);
    if (cleaned === '.') return false;
    const parents = cleaned.split('/').slice(0, -1);
    let excluded = false;
    for (const pattern of this.#patterns) {
      if (pattern.exception !== excluded) continue;
      let hit = pattern.matches(cleaned);
      if (!hit && parents.length > 0 && pattern.segments <= parents.length) {
        hit = pattern.matches(parents.slice(0, pattern.segments).join('/'));
      }
      if (hit) excluded = !pattern.exception;
    }
    return excluded;
  }

  /**
   * Whether the walker must still look inside the excluded directory `dir`: Docker's rule is that
   * some exception pattern, read as text, starts with `dir/` (`!dir/keep` or `!dir/sub/*.go`).
   * Exceptions that could match inside only through a wildcard in a leading segment (`!**\/keep`,
   * `!*\/keep`) do NOT reopen an excluded directory — in Docker either.
   *
   * @example
   * ```ts
   * const matcher = new DockerignoreMatcher(['node_modules', '!node_modules/keep']);
   * matcher.mayReincludeInside('node_modules'); // true
   * matcher.mayReincludeInside('node_modules/other'); // false
   * ```
   */
  mayReincludeInside(dir: string): boolean {
    if (!this.hasExceptions) return false;
    const prefix = `${dir}/`;
    return this.#patterns.some((p) => p.exception && `${p.text}/`.startsWith(prefix));
  }
}

/** `a/b/c` -> `a`, `a/b`. */
function parentDirectories(path: string): string[] {
  const segments = path.split('/');
  const dirs: string[] = [];
  for (let i = 1; i < segments.length; i++) dirs.push(segments.slice(0, i).join('/'));
  return dirs;
}

function badPattern(raw: string, index: number, problem: string): EngineError {
  return new EngineError(
    'INVALID_ARGUMENT',
    `.dockerignore pattern ${index + 1} (${JSON.stringify(raw)}) is invalid: ${problem}`,
  );
}

/**
 * The syntax check Docker runs through Go's `filepath.Match(pattern, ".")`: a trailing `\`, an
 * unterminated or empty class, a class item that starts with `-` or `]`, or a range with a
 * missing end. Returns what is wrong, or undefined.
 */
function globSyntaxProblem(pattern: string): string | undefined {
  const chars = Array.from(pattern);
  let i = 0;
  const classChar = (): string | undefined => {
    const c = chars[i];
    if (c === undefined) return 'unterminated "[" class';
    if (c === '-' || c === ']') return `a class item cannot start with "${c}"`;
    if (c === '\\') {
      i++;
      if (chars[i] === undefined) return 'the class ends with a bare "\\"';
    }
    i++;
    if (i >= chars.length) return 'unterminated "[" class';
    return undefined;
  };
  while (i < chars.length) {
    const c = chars[i];
    if (c === '\\') {
      if (i + 1 >= chars.length) return 'a trailing "\\" escapes nothing';
      i += 2;
    } else if (c === '[') {
      i++;
      if (chars[i] === '^') i++;
      for (let items = 0; ; items++) {
        if (chars[i] === ']' && items > 0) {
          i++;
          break;
        }
        const problem = classChar();
        if (problem) return problem;
        if (chars[i] === '-') {
          i++;
          const rangeProblem = classChar();
          if (rangeProblem) return rangeProblem;
        }
      }
    } else {
      i++;
    }
  }
  return undefined;
}

/** Characters patternmatcher escapes before building its regexp (not glob syntax, but regexp syntax). */
const REGEXP_LITERALS = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

/**
 * patternmatcher's `compile`: the match kind, and for `regexp` the expression it builds (Go RE2
 * syntax), translated for JavaScript.
 */
function compileGlob(pattern: string): { kind: MatchKind; regexp: RegExp | undefined } {
  let source = '^';
  let kind: MatchKind = 'exact';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '*') {
      if (chars[i + 1] === '*') {
        const first = i === 0;
        i++;
        // `**/` is read as `**`.
        if (chars[i + 1] === '/') i++;
        if (i + 1 >= chars.length) {
          // A trailing `**` accepts everything below, as in .gitignore.
          if (kind === 'exact') kind = 'prefix';
          else {
            source += '.*';
            kind = 'regexp';
          }
        } else {
          // Any number of segments, including none.
          source += '(.*/)?';
          kind = 'regexp';
        }
        if (first) kind = 'suffix';
      } else {
        source += '[^/]*';
        kind = 'regexp';
      }
    } else if (c === '?') {
      source += '[^/]';
      kind = 'regexp';
    } else if (REGEXP_LITERALS.has(c)) {
      source += `\\${c}`;
    } else if (c === '\\') {
      const next = chars[i + 1];
      // Unreachable after the syntax check; patternmatcher leaves a lone `\` there.
      if (next === undefined) source += '\\';
      else {
        source += `\\${next}`;
        i++;
        kind = 'regexp';
      }
    } else if (c === '[' || c === ']') {
      source += c;
      kind = 'regexp';
    } else {
      source += c;
    }
  }
  if (kind !== 'regexp') return { kind, regexp: undefined };
  return { kind, regexp: new RegExp(re2ToJavaScript(`${source}$`), 'u') };
}

/** RE2's Perl escapes that mean the same in a JavaScript `u` expression. */
const SHARED_ESCAPES = new Set(['d', 'D', 'w', 'W', 'f', 'n', 'r', 't', 'v']);
/** RE2's `\s` is ASCII white space only; JavaScript's also takes Unicode spaces. */
const RE2_SPACE = '\\t\\n\\f\\r ';
/** RE2's POSIX classes (`[[:alpha:]]`) as JavaScript class contents. */
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** A character as a JavaScript `u`-mode literal, outside or inside a class. */
function literal(c: string, inClass: boolean): string {
  const special = inClass ? /[\\\]^[-]/ : /[\\^$.*+?()[\]{}|/]/;
  return special.test(c) ? `\\${c}` : c;
}

/**
 * Rewrites the RE2 expression patternmatcher builds into an equivalent JavaScript `u` expression.
 * The expression is reparsed with RE2's rules because patternmatcher does not track classes:
 * `[*]` becomes `[[^/]*]`, which RE2 reads as the class `[[^/]` repeated, then a literal `]`.
 */
function re2ToJavaScript(re: string): string {
  const chars = Array.from(re);
  let out = '';
  let i = 0;
  while (i < chars.length) {
    const c = chars[i] as string;
    if (c === '\\') {
      out += re2Escape(chars[i + 1] as string, false);
      i += 2;
    } else if (c === '[') {
      i++;
      out += '[';
      if (chars[i] === '^') {
        out += '^';
        i++;
      }
      let first = true;
      for (;;) {
        const d = chars[i];
        if (d === undefined) throw new EngineError('INVALID_ARGUMENT', 'unterminated "[" class');
        if (d === ']' && !first) {
          out += ']';
          i++;
          break;
        }
        first = false;
        if (d === '[' && chars[i + 1] === ':') {
          const end = chars.indexOf(':', i + 2);
          if (end > 0 && chars[end + 1] === ']') {
            const name = chars.slice(i + 2, end).join('');
            const members = POSIX_CLASSES[name];
            if (members === undefined) {
              throw new EngineError('INVALID_ARGUMENT', `unknown character class [:${name}:]`);
            }
            out += members;
            i = end + 2;
            continue;
          }
        }
        if (d === '\\') {
          out += re2Escape(chars[i + 1] as string, true);
          i += 2;
        } else {
          // `-` stays bare: between two characters it is a range in both dialects.
          out += d === '-' ? '-' : literal(d, true);
          i++;
        }
      }
    } else if (c === ']' || c === '{' || c === '}') {
      out += `\\${c}`;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** An RE2 `\x` escape in JavaScript; RE2 treats `\` before ASCII punctuation as a literal. */
function re2Escape(c: string, inClass: boolean): string {
  if (SHARED_ESCAPES.has(c)) return `\\${c}`;
  if (c === 's') return inClass ? RE2_SPACE : `[${RE2_SPACE}]`;
  if (c === 'S' && !inClass) return `[^${RE2_SPACE}]`;
  if (c === 'a') return '\\x07';
  if (!inClass && (c === 'b' || c === 'B')) return `\\${c}`;
  if (!inClass && c === 'A') return '^';
  if (!inClass && c === 'z') return '$';
  if ((c.codePointAt(0) as number) < 0x80 && !/[0-9A-Za-z]/.test(c)) return literal(c, inClass);
  throw new EngineError('INVALID_ARGUMENT', `the escape "\\${c}" is not supported`);
}
