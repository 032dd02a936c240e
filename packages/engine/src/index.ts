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
export { encodeRegistryAuth, encodeRegistryConfig, type RegistryAuth } from './registry-auth.ts';
export type {
  AttachSession,
  ContainerAttachOptions,
  ContainerLogsOptions,
  ContainerStatsOptions,
  ContainerStopOptions,
  KillSignalOption,
  PathStat,
  PutArchiveOptions,
  TarInput,
  Timestamp,
} from './resources/containers.ts';
export type { ExecSession, ExecStartOptions } from './resources/exec.ts';
export {
  type BinaryInput,
  type BuildOptions,
  type BuildResult,
  type CommitOptions,
  type ImageReference,
  type ImportOptions,
  type ImportResult,
  type LoadResult,
  type PullOptions,
  type PullResult,
  type PushOptions,
  type PushResult,
  parseReference,
} from './resources/images.ts';
export type { PluginPullOptions, PluginUpgradeOptions } from './resources/plugins.ts';
export type { ServiceCreateOptions, ServiceUpdateOptions, SwarmLogsOptions } from './resources/services.ts';
export type { SessionOpenOptions } from './resources/session.ts';
export type { DataUsage, EventsOptions, PingInfo } from './resources/system.ts';
export type { ClusterVolumeSpecInput } from './resources/volumes.ts';
export { blockIo, cpuPercent, memoryPercent, memoryUsage, networkIo, type StatsSample } from './stats.ts';
export type { StdioSession } from './stdio.ts';
export type { LogFrame } from './streams/demux.ts';
export type { JsonMessage, ProgressResult, ProgressStream } from './streams/progress.ts';
export { type Endpoint, resolveEndpoint, type TlsMaterial } from './transport/endpoint.ts';
export type { Timeouts } from './transport/http.ts';
export { compareVersions, MAX_API_VERSION, MIN_API_VERSION } from './version.ts';
