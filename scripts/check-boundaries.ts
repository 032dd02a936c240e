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

const root = resolve(import.meta.dirname, '..');
const ENGINE_ENTRY_POINTS = new Set([
  '@gantry/engine',
  '@gantry/engine/operations',
  '@gantry/engine/streams',
]);
const IMPORT_PATTERN =
  /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;

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
    for (const match of text.matchAll(IMPORT_PATTERN)) {
      const specifier = match[3] ?? match[4] ?? '';
      const typeOnly = Boolean(match[2]);
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
