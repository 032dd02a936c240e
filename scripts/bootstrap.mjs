// Runs before `npm start` / `npm test` under whatever Node the machine has (Node 20 on a fresh
// Debian box), so it is plain JavaScript. It installs the workspace's dependencies — among them
// Node 24 itself, the `node` devDependency — when they are missing, so the two commands work on
// a machine where nobody ran `npm install`.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
const installed = existsSync(join(root, 'node_modules', '.bin', 'node')) && existsSync(marker);
const stale = installed && existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs;

if (!installed || stale) {
  console.error(
    `[bootstrap] ${installed ? 'package-lock.json changed' : 'dependencies missing'}: running npm install`,
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('[bootstrap] npm install failed — check the npm registry is reachable and rerun');
    process.exit(result.status ?? 1);
  }
}
