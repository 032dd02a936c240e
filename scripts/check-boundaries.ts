/**
 * Enforces the workspace import rules (DEVELOPERS.md "Code habits"):
 * - engine imports no workspace package;
 * - cli and server import only the engine's public entry points;
 * - web imports server and engine with `import type` only;
 * - no relative import climbs out of its own package.
 * Exits 1 listing every violation.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const ENGINE_ENTRY_POINTS = new Set([
  '@gantry/engine',
  '@gantry/engine/operations',
  '@gantry/engine/streams',
]);

/** A module a file loads: `import` / `export ... from` statements and dynamic `import()` calls. */
interface ModuleReference {
  readonly specifier: string;
  /** `import type` / `export type`: erased at compile time, so it loads nothing at run time. */
  readonly typeOnly: boolean;
}

/**
 * Every module reference in a file, read with the TypeScript parser — so code in comments (TSDoc
 * examples) is not mistaken for an import, and lazy `import('...')` calls are checked too.
 */
function moduleReferences(file: string, text: string): ModuleReference[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const found: ModuleReference[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly = ts.isImportDeclaration(node)
        ? Boolean(node.importClause?.isTypeOnly)
        : node.isTypeOnly;
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) found.push({ specifier: literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(name) ? [path] : [];
  });
}

function violation(pkg: string, specifier: string, typeOnly: boolean): string | undefined {
  if (!specifier.startsWith('@gantry/')) return undefined;
  if (pkg === 'engine') return 'the engine imports no workspace package';
  if (pkg === 'cli' || pkg === 'server') {
    return ENGINE_ENTRY_POINTS.has(specifier)
      ? undefined
      : `${pkg} may import only ${[...ENGINE_ENTRY_POINTS].join(', ')}`;
  }
  if (pkg === 'web') {
    const allowed = specifier.startsWith('@gantry/server') || specifier.startsWith('@gantry/engine');
    return allowed && typeOnly
      ? undefined
      : 'web may only `import type` from @gantry/server and @gantry/engine';
  }
  return undefined;
}

const problems: string[] = [];
for (const pkg of readdirSync(join(root, 'packages'))) {
  const pkgDir = join(root, 'packages', pkg);
  for (const file of [...sourceFiles(join(pkgDir, 'src')), ...sourceFiles(join(pkgDir, 'test'))]) {
    const text = readFileSync(file, 'utf8');
    for (const { specifier, typeOnly } of moduleReferences(file, text)) {
      const where = relative(root, file);
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier);
        const allowedRoots = [pkgDir, join(root, 'test'), join(root, '..', 'shared')];
        if (!allowedRoots.some((dir) => target.startsWith(dir))) {
          problems.push(
            `${where}: "${specifier}" leaves packages/${pkg} — import the package by name instead`,
          );
        }
        continue;
      }
      const why = violation(pkg, specifier, typeOnly);
      if (why) problems.push(`${where}: "${specifier}" — ${why}`);
    }
  }
}

if (problems.length > 0) {
  console.error(`workspace boundary violations:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('workspace boundaries: ok');
