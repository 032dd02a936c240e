/**
 * The subset of Go's text/template that docker's `--format` users write: `{{.Field}}` chains,
 * `{{.Method "arg"}}`, variables, pipelines (`{{.Names | upper}}`), parenthesised calls,
 * `if`/`else if`/`else`, `range` (with `$i, $v :=`), `with`, `{{- trim -}}` markers, comments,
 * Go's built-in functions (and, or, not, eq, ne, lt, le, gt, ge, len, index, print, printf, println)
 * and docker's (json, split, join, title, lower, upper, pad, truncate). Error messages follow Go's
 * (`template: :1:2: executing "" at <.Foo>: can't evaluate field Foo in type …`).
 *
 * Data model: a plain object is a Go map (a missing key prints `<no value>`), an object carrying
 * {@link GO_TYPE} is a Go struct (a missing field is an error); function-valued properties are methods.
 */
import { GO_TYPE, goJson } from './go-json.ts';

export { GO_TYPE };

export type TemplateFunction = (...args: unknown[]) => unknown;

export class TemplateError extends Error {
  /** What the template had written before it failed (Go's Execute leaves it in the writer). */
  partial = '';
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export interface Template {
  /** Renders `data`; `functions` replace the default ones of the same name (docker's table headers do). */
  execute(data: unknown, functions?: Readonly<Record<string, TemplateFunction>>): string;
}

// ---------------------------------------------------------------------------------------------
// Lexing: the source is split into text and actions; each action into tokens.

type TokenKind = 'field' | 'var' | 'dot' | 'ident' | 'string' | 'number' | 'punct';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly pos: number;
  /** Whether whitespace precedes the token (a field right after `)` chains onto it). */
  readonly spaced: boolean;
  readonly value?: unknown;
}
type Item = { kind: 'text'; text: string } | { kind: 'action'; tokens: Token[]; pos: number };

const TOKEN_PATTERNS: ReadonlyArray<[TokenKind, RegExp]> = [
  ['field', /(?:\.[A-Za-z_][A-Za-z0-9_]*)+/y],
  ['var', /\$[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y],
  ['number', /[+-]?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)/y],
  ['dot', /\.(?![A-Za-z_])/y],
  ['ident', /[A-Za-z_][A-Za-z0-9_]*/y],
  ['punct', /(?::=|[|(),=])/y],
];

function lex(source: string): Item[] {
  const items: Item[] = [];
  let at = 0;
  let trimNext = false;
  while (at < source.length) {
    const open = source.indexOf('{{', at);
    let text = source.slice(at, open === -1 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open === -1) {
      if (text) items.push({ kind: 'text', text });
      break;
    }
    let start = open + 2;
    if (/^-[ \t\r\n]/.test(source.slice(start, start + 2))) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    if (text) items.push({ kind: 'text', text });
    const { tokens, end, trimAfter } = lexAction(source, start);
    trimNext = trimAfter;
    if (tokens.length > 0) items.push({ kind: 'action', tokens, pos: start });
    at = end;
  }
  return items;
}

function lexAction(source: string, start: number): { tokens: Token[]; end: number; trimAfter: boolean } {
  const tokens: Token[] = [];
  let at = start;
  let spaced = true;
  const afterSpace = source.slice(at).replace(/^[ \t\r\n]+/, '');
  if (afterSpace.startsWith('/*')) {
    const close = source.indexOf('*/', at);
    if (close === -1) throw parseError(source, start, 'unclosed comment');
    const rest = source.slice(close + 2);
    const match = /^\s*(-\s*)?}}/.exec(rest);
    if (!match) throw parseError(source, start, 'comment ends before closing delimiter');
    return { tokens, end: close + 2 + match[0].length, trimAfter: Boolean(match[1]) };
  }
  while (at < source.length) {
    const char = source[at] as string;
    if (/[ \t\r\n]/.test(char)) {
      const trim = /^[ \t\r\n]+-}}/.exec(source.slice(at));
      if (trim) return { tokens, end: at + trim[0].length, trimAfter: true };
      at++;
      spaced = true;
      continue;
    }
    if (source.startsWith('}}', at)) return { tokens, end: at + 2, trimAfter: false };
    if (char === '"' || char === '`') {
      const { value, end } = lexString(source, at);
      tokens.push({ kind: 'string', text: source.slice(at, end), pos: at, spaced, value });
      at = end;
      spaced = false;
      continue;
    }
    const matched = TOKEN_PATTERNS.map(([kind, pattern]) => {
      pattern.lastIndex = at;
      const match = pattern.exec(source);
      return match ? { kind, text: match[0] } : undefined;
    }).find((candidate) => candidate !== undefined);
    if (!matched) {
      const code = (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      throw parseError(source, at, `bad character U+${code} '${char}'`);
    }
    const token: Token = { kind: matched.kind, text: matched.text, pos: at, spaced };
    tokens.push(matched.kind === 'number' ? { ...token, value: Number(matched.text) } : token);
    at += matched.text.length;
    spaced = false;
  }
  throw parseError(source, start, 'unclosed action');
}

function lexString(source: string, start: number): { value: string; end: number } {
  const quote = source[start];
  if (quote === '`') {
    const close = source.indexOf('`', start + 1);
    if (close === -1) throw parseError(source, start, 'unterminated raw quoted string');
    return { value: source.slice(start + 1, close), end: close + 1 };
  }
  let at = start + 1;
  while (at < source.length && source[at] !== '"') {
    if (source[at] === '\\') at++;
    if (source[at] === '\n') break;
    at++;
  }
  if (source[at] !== '"') throw parseError(source, start, 'unterminated quoted string');
  const literal = source.slice(start, at + 1);
  try {
    return {
      value: JSON.parse(literal.replace(/\\'/g, "'").replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')),
      end: at + 1,
    };
  } catch {
    throw parseError(source, start, `invalid syntax: ${literal}`);
  }
}

function lineOf(source: string, pos: number): number {
  return source.slice(0, pos).split('\n').length;
}

function parseError(source: string, pos: number, message: string, name = ''): TemplateError {
  return new TemplateError(`template: ${name}:${lineOf(source, pos)}: ${message}`);
}

// ---------------------------------------------------------------------------------------------
// Parsing

type Operand =
  | { kind: 'field'; chain: string[]; pos: number; text: string }
  | { kind: 'var'; name: string; chain: string[]; pos: number; text: string }
  | { kind: 'dot'; pos: number; text: string }
  | { kind: 'fn'; name: string; pos: number; text: string }
  | { kind: 'literal'; value: unknown; pos: number; text: string }
  | { kind: 'pipe'; pipe: Pipeline; chain: string[]; pos: number; text: string };
interface Command {
  readonly args: Operand[];
}
interface Pipeline {
  readonly decl: string[];
  /** `=` re-assigns an existing variable; `:=` declares one. */
  readonly assign: boolean;
  readonly commands: Command[];
  readonly pos: number;
}
interface BlockNode {
  kind: 'if' | 'with' | 'range';
  pipe: Pipeline;
  body: Node[];
  alternative: Node[] | undefined;
}
type Node = { kind: 'text'; text: string } | { kind: 'action'; pipe: Pipeline } | BlockNode;

const BUILTIN_NAMES = [
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'len',
  'index',
  'print',
  'printf',
  'println',
];

class Parser {
  #items: Item[];
  #at = 0;
  readonly #source: string;
  readonly #functions: ReadonlySet<string>;
  readonly #name: string;

  constructor(source: string, functions: ReadonlySet<string>, name: string) {
    this.#source = source;
    this.#name = name;
    this.#functions = functions;
    try {
      this.#items = lex(source);
    } catch (err) {
      if (err instanceof TemplateError && name)
        err.message = err.message.replace('template: :', `template: ${name}:`);
      throw err;
    }
  }

  parse(): Node[] {
    const { nodes, stop } = this.#list();
    if (stop) throw this.#error(stop.pos, `unexpected {{${stop.tokens[0]?.text}}}`);
    return nodes;
  }

  /** Nodes up to `{{end}}` / `{{else …}}` (returned as `stop`) or the end of the template. */
  #list(): { nodes: Node[]; stop: (Item & { kind: 'action' }) | undefined } {
    const nodes: Node[] = [];
    while (this.#at < this.#items.length) {
      const item = this.#items[this.#at++] as Item;
      if (item.kind === 'text') {
        nodes.push(item);
        continue;
      }
      const first = item.tokens[0] as Token;
      if (first.kind === 'ident' && (first.text === 'end' || first.text === 'else'))
        return { nodes, stop: item };
      if (
        first.kind === 'ident' &&
        (first.text === 'if' || first.text === 'with' || first.text === 'range')
      ) {
        nodes.push(this.#block(first.text, item.tokens.slice(1), item.pos));
        continue;
      }
      nodes.push({ kind: 'action', pipe: this.#pipeline(item.tokens, item.pos, true) });
    }
    return { nodes, stop: undefined };
  }

  #block(kind: 'if' | 'with' | 'range', tokens: Token[], pos: number): Node {
    if (tokens.length === 0) throw this.#error(pos, `missing value for ${kind}`);
    const pipe = this.#pipeline(tokens, pos, kind === 'range');
    const { nodes: body, stop } = this.#list();
    if (!stop) throw this.#error(pos, 'unexpected EOF');
    const word = stop.tokens[0]?.text;
    if (word === 'end') {
      if (stop.tokens.length > 1) throw this.#error(stop.pos, 'unexpected tokens after end');
      return { kind, pipe, body, alternative: undefined };
    }
    // {{else}}, {{else if …}} or {{else with …}}: the latter two nest a block that consumes the {{end}}.
    const chained = stop.tokens[1];
    if (chained && chained.kind === 'ident' && (chained.text === 'if' || chained.text === 'with')) {
      const nested = this.#block(chained.text, stop.tokens.slice(2), stop.pos);
      return { kind, pipe, body, alternative: [nested] };
    }
    if (stop.tokens.length > 1) throw this.#error(stop.pos, 'unexpected tokens after else');
    const { nodes: alternative, stop: end } = this.#list();
    if (end?.tokens[0]?.text !== 'end') throw this.#error(pos, 'expected end; found EOF');
    return { kind, pipe, body, alternative };
  }

  #pipeline(tokens: Token[], pos: number, allowTwoVars: boolean): Pipeline {
    const decl: string[] = [];
    let assign = false;
    let rest = tokens;
    const declEnd = rest.findIndex(
      (token) => token.kind === 'punct' && (token.text === ':=' || token.text === '='),
    );
    if (declEnd > 0 && rest.slice(0, declEnd).every((t) => t.kind === 'var' || t.text === ',')) {
      for (const token of rest.slice(0, declEnd)) if (token.kind === 'var') decl.push(token.text);
      if (decl.length > (allowTwoVars ? 2 : 1)) throw this.#error(pos, 'too many declarations in command');
      assign = (rest[declEnd] as Token).text === '=';
      rest = rest.slice(declEnd + 1);
    }
    const { pipeline } = this.#commands(rest, 0, pos, decl, assign);
    return pipeline;
  }

  /** Commands separated by `|`, up to the end or an unmatched `)` (returned as `end`). */
  #commands(
    tokens: Token[],
    from: number,
    pos: number,
    decl: string[],
    assign: boolean,
  ): { pipeline: Pipeline; end: number } {
    const commands: Command[] = [];
    let args: Operand[] = [];
    let at = from;
    const finish = () => {
      if (args.length === 0) throw this.#error(pos, 'missing command');
      commands.push({ args });
      args = [];
    };
    while (at < tokens.length) {
      const token = tokens[at] as Token;
      if (token.kind === 'punct' && token.text === ')') break;
      if (token.kind === 'punct' && token.text === '|') {
        finish();
        at++;
        continue;
      }
      if (token.kind === 'punct' && token.text === '(') {
        const inner = this.#commands(tokens, at + 1, token.pos, [], false);
        if (tokens[inner.end]?.text !== ')') throw this.#error(token.pos, 'unclosed left paren');
        at = inner.end + 1;
        const chainToken = tokens[at];
        const chain =
          chainToken?.kind === 'field' && !chainToken.spaced ? chainToken.text.slice(1).split('.') : [];
        if (chain.length > 0) at++;
        const text = this.#source.slice(token.pos, (tokens[inner.end] as Token).pos + 1);
        args.push({ kind: 'pipe', pipe: inner.pipeline, chain, pos: token.pos, text });
        continue;
      }
      args.push(this.#operand(token));
      at++;
    }
    finish();
    return { pipeline: { decl, assign, commands, pos }, end: at };
  }

  #operand(token: Token): Operand {
    const { pos, text } = token;
    switch (token.kind) {
      case 'field':
        return { kind: 'field', chain: text.slice(1).split('.'), pos, text };
      case 'var': {
        const [name, ...chain] = text.split('.');
        return { kind: 'var', name: name as string, chain, pos, text };
      }
      case 'dot':
        return { kind: 'dot', pos, text };
      case 'string':
      case 'number':
        return { kind: 'literal', value: token.value, pos, text };
      case 'ident':
        if (text === 'true' || text === 'false')
          return { kind: 'literal', value: text === 'true', pos, text };
        if (text === 'nil') return { kind: 'literal', value: null, pos, text };
        if (!this.#functions.has(text))
          throw this.#error(pos, `function ${JSON.stringify(text)} not defined`);
        return { kind: 'fn', name: text, pos, text };
      default:
        throw this.#error(pos, `unexpected ${JSON.stringify(text)} in operand`);
    }
  }

  #error(pos: number, message: string): TemplateError {
    return parseError(this.#source, pos, message, this.#name);
  }
}

// ---------------------------------------------------------------------------------------------
// Execution

/** A missing map key or field: prints as Go's `<no value>`. */
const NO_VALUE = undefined;

class Execution {
  readonly #source: string;
  readonly #name: string;
  readonly #functions: Readonly<Record<string, TemplateFunction>>;
  readonly #vars: Array<[string, unknown]>;

  constructor(
    source: string,
    name: string,
    functions: Readonly<Record<string, TemplateFunction>>,
    root: unknown,
  ) {
    this.#source = source;
    this.#name = name;
    this.#functions = functions;
    this.#vars = [['$', root]];
  }

  walk(nodes: readonly Node[], dot: unknown, out: string[]): void {
    for (const node of nodes) {
      if (node.kind === 'text') out.push(node.text);
      else if (node.kind === 'action') {
        const value = this.#pipeline(node.pipe, dot);
        if (node.pipe.decl.length === 0) out.push(printValue(value));
      } else this.#block(node, dot, out);
    }
  }

  #block(node: BlockNode, dot: unknown, out: string[]): void {
    const mark = this.#vars.length;
    try {
      if (node.kind === 'range') {
        this.#range(node, dot, out);
        return;
      }
      const value = this.#pipeline(node.pipe, dot);
      if (isTrue(value)) this.walk(node.body, node.kind === 'with' ? value : dot, out);
      else if (node.alternative) this.walk(node.alternative, dot, out);
    } finally {
      this.#vars.length = mark;
    }
  }

  #range(node: BlockNode, dot: unknown, out: string[]): void {
    const { decl } = node.pipe;
    const value = this.#pipeline({ ...node.pipe, decl: [] }, dot);
    const entries: Array<[unknown, unknown]> = Array.isArray(value)
      ? value.map((element, at) => [at, element])
      : isMap(value)
        ? Object.keys(value)
            .sort()
            .map((key) => [key, (value as Record<string, unknown>)[key]])
        : value === null || value === undefined
          ? []
          : this.#fail(node.pipe.pos, 'range', `range can't iterate over ${printValue(value)}`);
    if (entries.length === 0) {
      if (node.alternative) this.walk(node.alternative, dot, out);
      return;
    }
    const mark = this.#vars.length;
    for (const [key, element] of entries) {
      if (decl.length === 1) this.#vars.push([decl[0] as string, element]);
      if (decl.length === 2) this.#vars.push([decl[0] as string, key], [decl[1] as string, element]);
      this.walk(node.body, element, out);
      this.#vars.length = mark;
    }
  }

  #pipeline(pipe: Pipeline, dot: unknown): unknown {
    let value: unknown;
    let piped = false;
    for (const command of pipe.commands) {
      value = this.#command(command, dot, piped, value);
      piped = true;
    }
    for (const name of pipe.decl) {
      if (pipe.assign) {
        const slot = this.#vars.findLast(([candidate]) => candidate === name);
        if (!slot) this.#fail(pipe.pos, name, `undefined variable: ${name}`);
        else slot[1] = value;
      } else this.#vars.push([name, value]);
    }
    return value;
  }

  #command(command: Command, dot: unknown, piped: boolean, final: unknown): unknown {
    const [first, ...rest] = command.args as [Operand, ...Operand[]];
    const extra = piped ? [final] : [];
    if (first.kind === 'fn') {
      const fn = this.#functions[first.name] as TemplateFunction;
      const args = [...rest.map((operand) => this.#operand(operand, dot)), ...extra];
      try {
        return fn(...args);
      } catch (err) {
        return this.#fail(first.pos, first.text, `error calling ${first.name}: ${(err as Error).message}`);
      }
    }
    const args = [...rest.map((operand) => this.#operand(operand, dot)), ...extra];
    if (first.kind === 'field') return this.#chain(dot, first.chain, args, first);
    if (first.kind === 'var' && first.chain.length > 0) {
      return this.#chain(this.#variable(first), first.chain, args, first);
    }
    if (first.kind === 'pipe' && first.chain.length > 0) {
      return this.#chain(this.#pipeline(first.pipe, dot), first.chain, args, first);
    }
    if (args.length > 0)
      this.#fail(first.pos, first.text, `can't give argument to non-function ${first.text}`);
    return this.#operand(first, dot);
  }

  #operand(operand: Operand, dot: unknown): unknown {
    switch (operand.kind) {
      case 'dot':
        return dot;
      case 'literal':
        return operand.value;
      case 'field':
        return this.#chain(dot, operand.chain, [], operand);
      case 'var':
        return this.#chain(this.#variable(operand), operand.chain, [], operand);
      case 'pipe':
        return this.#chain(this.#pipeline(operand.pipe, dot), operand.chain, [], operand);
      case 'fn':
        return this.#command({ args: [operand] }, dot, false, undefined);
    }
  }

  #variable(operand: Operand & { kind: 'var' }): unknown {
    const slot = this.#vars.findLast(([name]) => name === operand.name);
    if (!slot) return this.#fail(operand.pos, operand.text, `undefined variable: ${operand.name}`);
    return slot[1];
  }

  /** `.A.B.C` on `receiver`; the last link gets `args` (method arguments). Errors point at the failing link. */
  #chain(receiver: unknown, chain: readonly string[], args: unknown[], node: Operand): unknown {
    let value = receiver;
    // Where the chain's links start: after the variable name or the closing parenthesis.
    let pos =
      node.pos + (node.kind === 'var' ? node.name.length : node.kind === 'pipe' ? node.text.length : 0);
    chain.forEach((name, at) => {
      value = this.#field(value, name, at === chain.length - 1 ? args : [], node, pos);
      pos += name.length + 1;
    });
    return value;
  }

  #field(receiver: unknown, name: string, args: unknown[], node: Operand, pos: number): unknown {
    if (receiver === null || receiver === undefined) {
      return this.#fail(pos, node.text, `nil pointer evaluating interface {}.${name}`);
    }
    if (typeof receiver !== 'object' || Array.isArray(receiver)) {
      return this.#fail(pos, node.text, `can't evaluate field ${name} in type ${goTypeName(receiver)}`);
    }
    const record = receiver as Record<string | symbol, unknown>;
    const present = name in record;
    const member = present ? record[name] : NO_VALUE;
    if (typeof member === 'function') {
      try {
        return (member as TemplateFunction).apply(receiver, args);
      } catch (err) {
        return this.#fail(pos, node.text, `error calling ${name}: ${(err as Error).message}`);
      }
    }
    if (!present && typeof record[GO_TYPE] === 'string') {
      return this.#fail(pos, node.text, `can't evaluate field ${name} in type ${String(record[GO_TYPE])}`);
    }
    if (!present && isStructLike(record)) {
      return this.#fail(pos, node.text, `map has no entry for key ${JSON.stringify(name)}`);
    }
    if (args.length > 0) {
      return this.#fail(pos, node.text, `${name} has arguments but cannot be invoked as function`);
    }
    return member;
  }

  #fail(pos: number, text: string, message: string): never {
    const line = lineOf(this.#source, pos);
    const column = pos - (this.#source.lastIndexOf('\n', pos - 1) + 1);
    const name = this.#name;
    throw new TemplateError(
      `template: ${name}:${line}:${column}: executing "${name}" at <${text}>: ${message}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Values as Go prints and compares them

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(GO_TYPE in value);
}

/**
 * A JSON object whose keys are all exported Go names (`{"Status": …, "Running": …}`) came from a
 * struct: it prints as Go prints a struct (`{running true …}`) and a missing key is an error, as in
 * docker's inspect; other objects (labels, options) are maps.
 */
function isStructLike(value: Record<string | symbol, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => /^[A-Z]/.test(key));
}

/** Go's truth: false, 0, nil, "" and empty slices and maps are false. */
export function isTrue(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return true;
}

function goTypeName(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  if (Array.isArray(value)) return '[]interface {}';
  return 'interface {}';
}

/** fmt's `%v`: what `{{.X}}` prints. */
export function printValue(value: unknown): string {
  if (value === undefined) return '<no value>';
  if (value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (Array.isArray(value)) return `[${value.map(printValue).join(' ')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string | symbol, unknown>;
    // fmt calls String() when a value has one (Go's Stringer).
    if (typeof record.String === 'function' && (record.String as TemplateFunction).length === 0) {
      return String((record.String as TemplateFunction).call(value));
    }
    if (GO_TYPE in record || isStructLike(record)) {
      const fields = Object.keys(record).filter((key) => typeof record[key] !== 'function');
      return `{${fields.map((key) => printValue(record[key])).join(' ')}}`;
    }
    const keys = Object.keys(record).sort();
    return `map[${keys.map((key) => `${key}:${printValue(record[key])}`).join(' ')}]`;
  }
  return String(value);
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`incompatible types for comparison`);
}

function basicEqual(a: unknown, b: unknown): boolean {
  const nil = (value: unknown) => value === null || value === undefined;
  if (nil(a) || nil(b)) return nil(a) && nil(b);
  if (typeof a === 'object' || typeof b === 'object') throw new Error('incompatible types for comparison');
  if (typeof a !== typeof b) throw new Error('incompatible types for comparison');
  return a === b;
}

/** Go's fmt.Sprint: a space between operands when neither is a string. */
function sprint(args: unknown[]): string {
  return args
    .map((arg, at) => {
      const text = printValue(arg);
      const previous = args[at - 1];
      return at > 0 && typeof arg !== 'string' && typeof previous !== 'string' ? ` ${text}` : text;
    })
    .join('');
}

/** fmt.Sprintf for the verbs templates use: %s %v %d %q %t %x %f %%, with flags, width and precision. */
export function sprintf(format: string, ...args: unknown[]): string {
  let next = 0;
  return format.replace(
    /%([-+ #0]*)(\d+)?(?:\.(\d+))?([svdqtxXf%])/g,
    (_, flags: string, width, precision, verb) => {
      if (verb === '%') return '%';
      if (next >= args.length) return `%!${verb}(MISSING)`;
      const arg = args[next++];
      let text: string;
      switch (verb) {
        case 'd':
          text =
            typeof arg === 'number' ? String(Math.trunc(arg)) : `%!d(${goTypeName(arg)}=${printValue(arg)})`;
          break;
        case 'q':
          text = JSON.stringify(printValue(arg));
          break;
        case 'x':
        case 'X':
          text =
            typeof arg === 'number' ? arg.toString(16) : Buffer.from(printValue(arg), 'utf8').toString('hex');
          if (verb === 'X') text = text.toUpperCase();
          break;
        case 'f':
          text =
            typeof arg === 'number'
              ? arg.toFixed(precision === undefined ? 6 : Number(precision))
              : printValue(arg);
          break;
        default:
          text = printValue(arg);
          if (precision !== undefined && verb === 's') text = text.slice(0, Number(precision));
      }
      const size = width === undefined ? 0 : Number(width);
      if (text.length >= size) return text;
      if (flags.includes('-')) return text.padEnd(size);
      return flags.includes('0') && verb !== 's' ? text.padStart(size, '0') : text.padStart(size);
    },
  );
}

/** Go's strings.Title: the first letter of each word upper-cased. */
function title(text: string): string {
  return text.replace(
    /(^|[^\p{L}\p{N}_'])(\p{L})/gu,
    (_, before: string, letter: string) => before + letter.toUpperCase(),
  );
}

function expectString(value: unknown, what: string): string {
  if (typeof value !== 'string')
    throw new Error(`wrong type for value; expected string; got ${goTypeName(value)} (${what})`);
  return value;
}

export const BUILTIN_FUNCTIONS: Readonly<Record<string, TemplateFunction>> = {
  and: (...args) => args.find((arg) => !isTrue(arg)) ?? args[args.length - 1],
  or: (...args) => args.find((arg) => isTrue(arg)) ?? args[args.length - 1],
  not: (value) => !isTrue(value),
  eq: (first, ...others) => {
    if (others.length === 0) throw new Error('missing argument for comparison');
    return others.some((other) => basicEqual(first, other));
  },
  ne: (a, b) => !basicEqual(a, b),
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
  len: (value) => {
    if (typeof value === 'string') return Buffer.byteLength(value);
    if (Array.isArray(value)) return value.length;
    if (isMap(value)) return Object.keys(value).length;
    throw new Error(`len of type ${goTypeName(value)}`);
  },
  index: (value, ...keys) => {
    let current = value;
    for (const key of keys) {
      if (Array.isArray(current) && typeof key === 'number') {
        if (key < 0 || key >= current.length) throw new Error(`index out of range: ${key}`);
        current = current[key];
      } else if (isMap(current) && typeof key === 'string') current = current[key];
      else if (current === null || current === undefined) throw new Error('index of untyped nil');
      else throw new Error(`can't index item of type ${goTypeName(current)}`);
    }
    return current;
  },
  print: (...args) => sprint(args),
  printf: (format, ...args) => sprintf(expectString(format, 'printf'), ...args),
  println: (...args) => `${args.map(printValue).join(' ')}\n`,
  // docker's own (docker/cli templates.go)
  json: (value) => goJson(value),
  split: (text, separator) => expectString(text, 'split').split(expectString(separator, 'split')),
  join: (list, separator) => {
    if (!Array.isArray(list))
      throw new Error(`wrong type for value; expected []string; got ${goTypeName(list)}`);
    return list.map(printValue).join(expectString(separator, 'join'));
  },
  title: (text) => title(expectString(text, 'title')),
  lower: (text) => expectString(text, 'lower').toLowerCase(),
  upper: (text) => expectString(text, 'upper').toUpperCase(),
  pad: (text, prefix, suffix) => {
    const value = expectString(text, 'pad');
    return value === '' ? value : ' '.repeat(Number(prefix)) + value + ' '.repeat(Number(suffix));
  },
  truncate: (text, length) => {
    const value = expectString(text, 'truncate');
    return value.length < Number(length) ? value : value.slice(0, Number(length));
  },
};

/**
 * docker's header functions: a table header is rendered from the same template, with these in
 * place of the formatting functions so `{{.Names | upper}}` still prints `NAMES`.
 */
export const HEADER_FUNCTIONS: Readonly<Record<string, TemplateFunction>> = {
  json: (value) => value,
  split: (value) => value,
  join: (value) => value,
  title: (value) => value,
  lower: (value) => value,
  upper: (value) => value,
  truncate: (value) => value,
};

export interface TemplateOptions {
  /** Functions beyond Go's and docker's (e.g. `version`'s `getDetailsOrder`). */
  readonly functions?: Readonly<Record<string, TemplateFunction>>;
  /** The template's name in error messages (`template: version:1:2: …`); docker's are mostly unnamed. */
  readonly name?: string;
}

/** Parses `source` (throws a TemplateError naming the line), ready to execute many times. */
export function parseTemplate(source: string, options: TemplateOptions = {}): Template {
  const name = options.name ?? '';
  const defaults = { ...BUILTIN_FUNCTIONS, ...options.functions };
  const nodes = new Parser(source, new Set([...BUILTIN_NAMES, ...Object.keys(defaults)]), name).parse();
  return {
    execute(data, overrides = {}) {
      const out: string[] = [];
      try {
        new Execution(source, name, { ...defaults, ...overrides }, data).walk(nodes, data, out);
      } catch (err) {
        if (err instanceof TemplateError) err.partial = out.join('');
        throw err;
      }
      return out.join('');
    },
  };
}
