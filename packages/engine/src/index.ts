export { type BuildContextOptions, buildContext } from './build-context.ts';
export { connect, DockerClient } from './client.ts';
export type { CallOptions, ConnectOptions, PassthroughRequest } from './core.ts';
export {
  type CredentialSource,
  CredentialStore,
  type CredentialStoreOptions,
  DOCKER_HUB_SERVER,
  registryConfigFor,
  registryKey,
} from './credentials.ts';
export { dockerfileImages, dockerfileRegistries } from './dockerfile.ts';
export {
  DockerignoreMatcher,
  type IgnoreMatch,
  type ParentMatch,
  parseDockerignore,
} from './dockerignore.ts';
export {
  EngineApiError,
  EngineBuildError,
  EngineConnectionError,
  EngineError,
  type EngineErrorCode,
  EngineStreamError,
  EngineVersionError,
  isAbort,
  isConflict,
  isConnectionError,
  isNotFound,
  RegistryAuthError,
} from './errors.ts';
export type * from './generated/models.ts';
export type { Filters } from './generated/operations.ts';
export { type Command, type Environment, splitCommand } from './helpers/command.ts';
export type {
  CopiedFile,
  CopyFrom,
  CopyFromOptions,
  CopyInput,
  CopyTo,
  CopyToOptions,
} from './helpers/copy.ts';
export type {
  DemuxedOutput,
  ExecRun,
  ExecRunAnyResult,
  ExecRunDetached,
  ExecRunOptions,
  ExecRunResult,
  ExecRunSocket,
  ExecRunStream,
} from './helpers/exec-run.ts';
export type { ContainerRun, PortPublish, RunDetached, RunOptions, RunResult } from './helpers/run.ts';
export { encodeRegistryAuth, encodeRegistryConfig, type RegistryAuth } from './registry-auth.ts';
export type {
  AttachSession,
  ContainerAttachOptions,
  ContainerLogsOptions,
  ContainerStatsOptions,
  ContainerStopOptions,
  KillSignalOption,
  PathStat,
  PendingWait,
  PutArchiveOptions,
  TarInput,
  Timestamp,
} from './resources/containers.ts';
export type { ExecSession, ExecStartOptions } from './resources/exec.ts';
export {
  type BinaryInput,
  type BuildOptions,
  type BuildResult,
  type BuildSource,
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
export type { DataUsage, EngineEvent, EventsOptions, PingInfo } from './resources/system.ts';
export type { ClusterVolumeSpecInput } from './resources/volumes.ts';
export { blockIo, cpuPercent, memoryPercent, memoryUsage, networkIo, type StatsSample } from './stats.ts';
export type { StdioSession } from './stdio.ts';
export type { LogFrame } from './streams/demux.ts';
export type { JsonMessage, ProgressResult, ProgressStream } from './streams/progress.ts';
export type { TarEntry } from './tar.ts';
export { type ExtractTarOptions, extractTar } from './tar-extract.ts';
export { type TarPathOptions, tarPath } from './tar-path.ts';
export { readTar, type TarReadEntry } from './tar-read.ts';
export type { EndpointSource } from './transport/context.ts';
export { type Endpoint, resolveEndpoint, type TlsMaterial } from './transport/endpoint.ts';
export type { HttpResponse, Timeouts } from './transport/http.ts';
export type { SshOptions } from './transport/ssh.ts';
export { compareVersions, MAX_API_VERSION, MIN_API_VERSION } from './version.ts';
