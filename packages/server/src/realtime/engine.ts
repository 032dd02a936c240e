import type { EngineHandle } from '../context.ts';
import { HttpError } from '../http/errors.ts';

/**
 * The engine an engine-scoped path named. The router / upgrade handler resolves `:engine` before a
 * handler runs, so a missing one here is a path without `:engine` wired to an engine handler.
 */
export function engineOf(engine: EngineHandle | undefined): EngineHandle {
  if (!engine) throw new HttpError(404, 'ENGINE_NOT_FOUND', 'no such engine');
  return engine;
}
