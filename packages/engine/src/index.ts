export { connect, DockerClient } from './client.ts';
export type { CallOptions, ConnectOptions } from './core.ts';
export {
  EngineApiError,
  EngineConnectionError,
  EngineError,
  type EngineErrorCode,
  EngineStreamError,
  EngineVersionError,
  isAbort,
  isConflict,
  isConnectionError,
  isNotFound,
} from './errors.ts';
export type * from './generated/models.ts';
export type { Filters } from './generated/operations.ts';
export type { StdioSession } from './stdio.ts';
export type { LogFrame } from './streams/demux.ts';
export type { JsonMessage, ProgressResult, ProgressStream } from './streams/progress.ts';
export { type Endpoint, resolveEndpoint, type TlsMaterial } from './transport/endpoint.ts';
export type { Timeouts } from './transport/http.ts';
export { compareVersions, MAX_API_VERSION, MIN_API_VERSION } from './version.ts';
