/**
 * Enforces the project rule "TSDoc `@example` on every public SDK export" mechanically.
 *
 * Starting from the entry points in the package's `exports`, it follows every re-export to the
 * declaration of each public name and requires the doc block directly above it to carry an
 * `@example` tag. Every class reachable that way, and every class in `src/resources/` (public
 * through `DockerClient`'s properties), must also document each public method with an example.
 * `src/generated/` (wire types generated from the spec) is exempt.
 *
 * Parsing uses the TypeScript compiler's own syntax tree, so overloads, `export type`, inline
 * `type` specifiers and one-line `/** @example ... *\/` blocks are read as the compiler reads them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const PACKAGE_DIR = resolve(import.meta.dirname, '..', '..');
const GENERATED_DIR = join(PACKAGE_DIR, 'src', 'generated');
const RESOURCES_DIR = join(PACKAGE_DIR, 'src', 'resources');

/** A declaration (or the set of overloads sharing one name) that must carry an example. */
interface Documented {
  /** `src/file.ts:Name`, or `src/file.ts:Class.method` for a method. */
  readonly where: string;
  /** Every declaration of the name: overloads may put the doc on any one of them. */
  readonly declarations: readonly ts.Node[];
}

const sources = new Map<string, ts.SourceFile>();

function sourceFile(path: string): ts.SourceFile {
  let source = sources.get(path);
  if (!source) {
    source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    sources.set(path, source);
  }
  return source;
}

function location(path: string, name: string): string {
  return `${relative(PACKAGE_DIR, path)}:${name}`;
}

function isGenerated(path: string): boolean {
  return path === GENERATED_DIR || path.startsWith(`${GENERATED_DIR}/`);
}

function moduleTarget(from: string, specifier: ts.Expression | undefined): string | undefined {
  if (!specifier || !ts.isStringLiteral(specifier)) return undefined;
  // Relative imports only: a bare specifier (`node:stream`) is not part of this package's surface.
  if (!specifier.text.startsWith('.')) return undefined;
  return resolve(dirname(from), specifier.text);
}

function hasExportModifier(node: ts.Node): boolean {
  return (
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)
  );
}

/** The names a top-level statement declares (a `const` statement may declare several). */
function declaredNames(statement: ts.Statement): string[] {
  if (
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isEnumDeclaration(statement)
  ) {
    return statement.name ? [statement.name.text] : [];
  }
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((declaration) =>
      ts.isIdentifier(declaration.name) ? [declaration.name.text] : [],
    );
  }
  return [];
}

/** Every top-level statement of `path` declaring `name` (several for function overloads). */
function localDeclarations(path: string, name: string): ts.Statement[] {
  return sourceFile(path).statements.filter((statement) => declaredNames(statement).includes(name));
}

/**
 * Follows `name` as exported by `path` to the file that declares it: a local declaration, a local
 * `export { name }` of an import, an `export { name } from`, or an `export * from`. Returns
 * undefined when the name leads into `src/generated/` (exempt) and throws when it leads nowhere.
 */
function resolveExport(
  path: string,
  name: string,
  seen = new Set<string>(),
): { path: string; name: string } | undefined {
  if (isGenerated(path)) return undefined;
  const key = `${path}#${name}`;
  if (seen.has(key)) throw new Error(`export cycle at ${location(path, name)}`);
  seen.add(key);
  if (localDeclarations(path, name).length > 0) return { path, name };
  const source = sourceFile(path);
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement) || !statement.exportClause) continue;
    if (!ts.isNamedExports(statement.exportClause)) continue;
    for (const element of statement.exportClause.elements) {
      if (element.name.text !== name) continue;
      const original = (element.propertyName ?? element.name).text;
      const target = moduleTarget(path, statement.moduleSpecifier);
      if (target) return resolveExport(target, original, seen);
      if (!statement.moduleSpecifier) return resolveImport(path, original, seen);
    }
  }
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement) || statement.exportClause) continue;
    const target = moduleTarget(path, statement.moduleSpecifier);
    if (target && exportedNames(target).has(name)) return resolveExport(target, name, seen);
  }
  throw new Error(`cannot find the declaration of ${location(path, name)}`);
}

/** Follows a local name of `path` that is imported (`import { a as name } from './x.ts'`). */
function resolveImport(
  path: string,
  name: string,
  seen: Set<string>,
): { path: string; name: string } | undefined {
  for (const statement of sourceFile(path).statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) {
      if (element.name.text !== name) continue;
      const target = moduleTarget(path, statement.moduleSpecifier);
      if (target) return resolveExport(target, (element.propertyName ?? element.name).text, seen);
    }
  }
  throw new Error(`cannot find the declaration of ${location(path, name)}`);
}

/** Every name a module exports, re-exports included (`export *` and `export type *` expanded). */
function exportedNames(path: string, seen = new Set<string>()): Set<string> {
  const names = new Set<string>();
  if (isGenerated(path) || seen.has(path)) return names;
  seen.add(path);
  for (const statement of sourceFile(path).statements) {
    if (hasExportModifier(statement)) for (const name of declaredNames(statement)) names.add(name);
    if (!ts.isExportDeclaration(statement)) continue;
    const clause = statement.exportClause;
    if (clause && ts.isNamedExports(clause)) {
      for (const element of clause.elements) names.add(element.name.text);
    } else if (!clause) {
      const target = moduleTarget(path, statement.moduleSpecifier);
      if (target) for (const name of exportedNames(target, seen)) names.add(name);
    }
  }
  return names;
}

/** The `/** ... *\/` block directly above `node`: the last one attached, with no blank line after it. */
function docBlockAbove(node: ts.Node): ts.JSDoc | undefined {
  const block = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc).at(-1);
  if (!block) return undefined;
  const gap = node.getSourceFile().text.slice(block.end, node.getStart());
  return /^[ \t]*\r?\n?[ \t]*$/.test(gap) ? block : undefined;
}

function hasExample(item: Documented): boolean {
  return item.declarations.some((declaration) =>
    (docBlockAbove(declaration)?.tags ?? []).some((tag) => tag.tagName.text === 'example'),
  );
}

function memberName(member: ts.ClassElement): string | undefined {
  if (!member.name || ts.isPrivateIdentifier(member.name)) return undefined;
  if (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name)) return member.name.text;
  return member.name.getText(); // `[Symbol.asyncIterator]`
}

/** The public methods of a class, grouped by name so that overloads count as one. */
function publicMethods(path: string, declaration: ts.ClassDeclaration): Documented[] {
  const byName = new Map<string, ts.MethodDeclaration[]>();
  for (const member of declaration.members) {
    if (!ts.isMethodDeclaration(member)) continue; // constructor, accessors, properties
    const hidden = (ts.getModifiers(member) ?? []).some(
      (modifier) =>
        modifier.kind === ts.SyntaxKind.PrivateKeyword || modifier.kind === ts.SyntaxKind.ProtectedKeyword,
    );
    const name = memberName(member);
    if (hidden || name === undefined) continue;
    byName.set(name, [...(byName.get(name) ?? []), member]);
  }
  const className = declaration.name?.text ?? 'default';
  return [...byName].map(([name, declarations]) => ({
    where: location(path, `${className}.${name}`),
    declarations,
  }));
}

/**
 * The modules whose exports are public: the package's `exports`, plus every module one of them
 * re-exports as a namespace (`export * as ns from './x.ts'`: each of x's exports is public as `ns.name`).
 */
function entryPoints(): string[] {
  const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
    exports: Record<string, string>;
  };
  const entries = new Set(Object.values(manifest.exports).map((entry) => resolve(PACKAGE_DIR, entry)));
  for (const entry of entries) {
    for (const statement of sourceFile(entry).statements) {
      if (!ts.isExportDeclaration(statement) || !statement.exportClause) continue;
      if (!ts.isNamespaceExport(statement.exportClause)) continue;
      const target = moduleTarget(entry, statement.moduleSpecifier);
      if (target && !isGenerated(target)) entries.add(target);
    }
  }
  return [...entries];
}

/** Everything public: each exported declaration, then each public method of each public class. */
function publicSurface(): Documented[] {
  const declarations = new Map<string, { path: string; name: string }>();
  for (const entry of entryPoints()) {
    for (const name of exportedNames(entry)) {
      const declared = resolveExport(entry, name);
      if (declared) declarations.set(location(declared.path, declared.name), declared);
    }
  }
  const classes = new Map<string, { path: string; declaration: ts.ClassDeclaration }>();
  const surface: Documented[] = [];
  for (const [where, { path, name }] of declarations) {
    const statements = localDeclarations(path, name);
    surface.push({ where, declarations: statements });
    for (const statement of statements)
      if (ts.isClassDeclaration(statement)) classes.set(where, { path, declaration: statement });
  }
  for (const file of readdirSync(RESOURCES_DIR).filter((name) => name.endsWith('.ts'))) {
    const path = join(RESOURCES_DIR, file);
    for (const statement of sourceFile(path).statements) {
      if (!ts.isClassDeclaration(statement) || !statement.name || !hasExportModifier(statement)) continue;
      const where = location(path, statement.name.text);
      if (!declarations.has(where)) surface.push({ where, declarations: [statement] });
      classes.set(where, { path, declaration: statement });
    }
  }
  for (const { path, declaration } of classes.values()) surface.push(...publicMethods(path, declaration));
  return surface;
}

test('the public surface is found: entry points, re-exports, resource classes and their methods', () => {
  const found = new Set(publicSurface().map((item) => item.where));
  for (const expected of [
    'src/client.ts:DockerClient',
    'src/client.ts:DockerClient.close',
    'src/errors.ts:EngineErrorCode',
    'src/operations.ts:implementedOperations',
    'src/streams/json-values.ts:parseJsonValues',
    'src/resources/containers.ts:Containers.list',
    'src/resources/containers.ts:Containers.stats',
    'src/resources/volumes.ts:Volumes',
  ]) {
    assert.ok(found.has(expected), `${expected} is public but was not collected`);
  }
  assert.ok(![...found].some((where) => where.startsWith('src/generated/')), 'src/generated/ is exempt');
});

test('every public export and public method has a TSDoc @example', () => {
  const missing = publicSurface()
    .filter((item) => !hasExample(item))
    .map((item) => item.where)
    .sort();
  assert.ok(
    missing.length === 0,
    `${missing.length} public declaration(s) lack an @example in the doc block directly above them:\n  ${missing.join('\n  ')}`,
  );
});
