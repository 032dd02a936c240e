// The process entry: plain JavaScript so Node needs no TypeScript stripper until the compile cache is
// on (stripping the entry itself would cost ~0.2 s on every start). main.ts does the rest.
import module from 'node:module';

module.enableCompileCache?.();
await import('../src/main.ts');
