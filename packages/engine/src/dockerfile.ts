/**
 * Reads a Dockerfile far enough to tell which images a classic build pulls: the `FROM` images and
 * the images `COPY --from=` names, minus `scratch` and references to earlier stages. Global `ARG`s
 * (declared before the first `FROM`, overridden by build args) are substituted as the builder
 * does (`$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:+alt}`, `${NAME+alt}`);
 * line continuations, comments and the `# escape=` directive are honoured.
 *
 * @example
 * ```ts
 * import { dockerfileRegistries } from '@gantry/engine';
 * dockerfileRegistries('ARG REG=registry.example:5000\nFROM ${REG}/base:1 AS build\nFROM alpine\nCOPY --from=build /out /out\n');
 * // ['registry.example:5000', 'docker.io']
 * ```
 */
import { parseReference } from './resources/images.ts';

/**
 * The images a Dockerfile's classic build pulls, in order of appearance, without duplicates.
 * `buildArgs` are the build's `buildargs`: they override the defaults of global `ARG`s.
 *
 * @example
 * ```ts
 * dockerfileImages('ARG TAG=3.20\nFROM --platform=linux/amd64 alpine:${TAG} AS base\nFROM base\n', { TAG: '3.21' });
 * // ['alpine:3.21']
 * ```
 */
export function dockerfileImages(text: string, buildArgs: Readonly<Record<string, string>> = {}): string[] {
  const instructions = logicalLines(text);
  const globals = new Map<string, string | undefined>();
  const stages = new Set<string>();
  const images: string[] = [];
  const add = (image: string) => {
    if (image !== '' && image.toLowerCase() !== 'scratch' && !images.includes(image)) images.push(image);
  };
  let seenFrom = false;
  for (const { keyword, args } of instructions) {
    if (keyword === 'ARG' && !seenFrom) {
      for (const word of splitWords(args)) {
        const eq = word.indexOf('=');
        const name = eq < 0 ? word : word.slice(0, eq);
        const fallback = eq < 0 ? undefined : expand(word.slice(eq + 1), globals);
        globals.set(name, Object.hasOwn(buildArgs, name) ? buildArgs[name] : fallback);
      }
    } else if (keyword === 'FROM') {
      seenFrom = true;
      const words = splitWords(args).filter((word) => !word.startsWith('--'));
      const image = expand(words[0] ?? '', globals);
      if (!stages.has(image.toLowerCase())) add(image);
      if (words.length >= 3 && words[1]?.toLowerCase() === 'as')
        stages.add((words[2] as string).toLowerCase());
    } else if (keyword === 'COPY') {
      for (const word of splitWords(args)) {
        if (!word.startsWith('--')) break;
        if (!word.toLowerCase().startsWith('--from=')) continue;
        const source = expand(word.slice('--from='.length), globals);
        // A stage by name or by index is not pulled.
        if (!/^\d+$/.test(source) && !stages.has(source.toLowerCase())) add(source);
      }
    }
  }
  return images;
}

/**
 * The registries a Dockerfile's classic build pulls from, as `parseReference` names them
 * (`docker.io` for Docker Hub, `host:port` otherwise), in order of appearance — the registries an
 * `X-Registry-Config` header needs. Images whose name is not a valid reference are skipped (the
 * build fails on them anyway).
 *
 * @example
 * ```ts
 * dockerfileRegistries('FROM 127.0.0.1:5000/team/base:1\nRUN make\n'); // ['127.0.0.1:5000']
 * ```
 */
export function dockerfileRegistries(
  text: string,
  buildArgs: Readonly<Record<string, string>> = {},
): string[] {
  const registries: string[] = [];
  for (const image of dockerfileImages(text, buildArgs)) {
    let domain: string;
    try {
      domain = parseReference(image).domain;
    } catch {
      continue;
    }
    if (!registries.includes(domain)) registries.push(domain);
  }
  return registries;
}

interface Instruction {
  /** Upper-cased. */
  readonly keyword: string;
  readonly args: string;
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;

/** Instructions with continuations joined and comments dropped. */
function logicalLines(text: string): Instruction[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let escapeChar = '\\';
  let first = 0;
  // Parser directives: only at the very top, before any blank line, comment or instruction.
  for (; first < lines.length; first++) {
    const directive = DIRECTIVE.exec(lines[first] as string);
    if (!directive) break;
    if (directive[1]?.toLowerCase() === 'escape' && (directive[2] === '`' || directive[2] === '\\')) {
      escapeChar = directive[2];
    }
  }
  const instructions: Instruction[] = [];
  let pending = '';
  for (const line of lines.slice(first)) {
    const trimmed = line.trim();
    // Comments and blank lines, also inside a continued instruction.
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const continued = trimmed.endsWith(escapeChar);
    pending += continued ? trimmed.slice(0, -1) : trimmed;
    if (continued) {
      pending += ' ';
      continue;
    }
    pushInstruction(instructions, pending);
    pending = '';
  }
  if (pending.trim() !== '') pushInstruction(instructions, pending);
  return instructions;
}

function pushInstruction(instructions: Instruction[], line: string): void {
  const match = /^(\S+)\s*(.*)$/s.exec(line.trim());
  if (match) instructions.push({ keyword: (match[1] as string).toUpperCase(), args: match[2] as string });
}

function splitWords(args: string): string[] {
  return args.split(/\s+/).filter((word) => word !== '');
}

/** Shell-style expansion of `$NAME` / `${NAME…}` with quotes removed; unknown names expand to ''. */
function expand(word: string, vars: ReadonlyMap<string, string | undefined>): string {
  let out = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < word.length; i++) {
    const c = word[i] as string;
    if (quote !== undefined && c === quote) {
      quote = undefined;
    } else if (quote === undefined && (c === '"' || c === "'")) {
      quote = c;
    } else if (c === '\\' && quote !== "'" && i + 1 < word.length) {
      out += word[++i];
    } else if (c === '$' && quote !== "'") {
      const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}/.exec(word.slice(i));
      const bare = braced ? undefined : /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(word.slice(i));
      const match = braced ?? bare;
      if (!match) {
        out += c;
        continue;
      }
      i += match[0].length - 1;
      const value = vars.get(match[1] as string);
      const operator = braced?.[2];
      const operand = expand(braced?.[3] ?? '', vars);
      if (operator === ':-') out += value ? value : operand;
      else if (operator === '-') out += value === undefined ? operand : value;
      else if (operator === ':+') out += value ? operand : '';
      else if (operator === '+') out += value === undefined ? '' : operand;
      else out += value ?? '';
    } else {
      out += c;
    }
  }
  return out;
}
