/** Absolute container paths: joining, resolving a symlink's target, and the breadcrumb's steps. */

/** `/a/./b/../c` → `/a/c`; never above `/`. */
export function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

export const join = (directory: string, name: string) => normalize(`${directory}/${name}`);

/** Where a symlink in `directory` points: absolute targets as they are, relative ones from `directory`. */
export const resolveLink = (directory: string, target: string) =>
  target.startsWith('/') ? normalize(target) : join(directory, target);

export const baseName = (path: string) => normalize(path).split('/').pop() || '/';

/** `/etc/ssl` → [`/`, `/etc`, `/etc/ssl`]. */
export function ancestors(path: string): string[] {
  const parts = normalize(path).split('/').filter(Boolean);
  return ['/', ...parts.map((_, index) => `/${parts.slice(0, index + 1).join('/')}`)];
}

/** `drwxr-xr-x` from a kind and permission bits. */
export function modeString(kind: string, mode: number): string {
  const type = kind === 'directory' ? 'd' : kind === 'symlink' ? 'l' : '-';
  const bits = 'rwxrwxrwx'
    .split('')
    .map((letter, index) => (mode & (1 << (8 - index)) ? letter : '-'))
    .join('');
  return type + bits;
}
