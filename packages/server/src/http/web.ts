/**
 * The browser UI's built files (packages/web/dist, a later issue), served when they exist: a file
 * by path, else `index.html` for the UI's own routes. Nothing is served from outside the directory.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where @gantry/web's build lands (read as files, never imported). Found through the package's
 * location, not this file's: the server also runs as a bundle in packages/server/dist.
 */
export const WEB_DIST = join(dirname(fileURLToPath(import.meta.resolve('@gantry/web/package.json'))), 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** A handler for GET paths outside /api, or undefined when there is no built UI. */
export function webFiles(
  root: string = WEB_DIST,
): ((path: string) => Promise<Response | undefined>) | undefined {
  if (!existsSync(join(root, 'index.html'))) return undefined;
  const file = async (relative: string) => {
    const absolute = normalize(join(root, relative));
    if (absolute !== root && !absolute.startsWith(root + sep)) return undefined;
    const info = await stat(absolute).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const type = TYPES[extname(absolute)] ?? 'application/octet-stream';
    // Hashed asset names can be cached for good; index.html must be fetched fresh to find them.
    const cache = relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    return new Response(await readFile(absolute), {
      headers: { 'Content-Type': type, 'Cache-Control': cache },
    });
  };
  return async (path) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0')) return undefined;
    const relative = decoded.replace(/^\/+/, '');
    return (
      (relative ? await file(relative) : undefined) ?? (extname(relative) ? undefined : file('index.html'))
    );
  };
}
