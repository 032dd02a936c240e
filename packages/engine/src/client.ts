import { type ConnectOptions, EngineCore, type PassthroughRequest } from './core.ts';
import { type CopyFrom, type CopyTo, copyWith } from './helpers/copy.ts';
import { type ExecRun, execRunWith } from './helpers/exec-run.ts';
import { type ContainerRun, runWith } from './helpers/run.ts';
import { Configs } from './resources/configs.ts';
import { Containers } from './resources/containers.ts';
import { Distribution } from './resources/distribution.ts';
import { Exec } from './resources/exec.ts';
import { Images } from './resources/images.ts';
import { Networks } from './resources/networks.ts';
import { Nodes } from './resources/nodes.ts';
import { Plugins } from './resources/plugins.ts';
import { Secrets } from './resources/secrets.ts';
import { Services } from './resources/services.ts';
import { Session } from './resources/session.ts';
import { Swarm } from './resources/swarm.ts';
import { System } from './resources/system.ts';
import { Tasks } from './resources/tasks.ts';
import { Volumes } from './resources/volumes.ts';
import type { Endpoint } from './transport/endpoint.ts';
import type { HttpResponse } from './transport/http.ts';

/**
 * A client for one Docker Engine. Resources hang off it as namespaces (`docker.containers.list()`);
 * every method takes an options object with `signal` last and returns a promise or a stream.
 * Nothing is sent until the first call, which negotiates the API version once.
 *
 * @example
 * ```ts
 * import { DockerClient } from '@gantry/engine';
 * const docker = new DockerClient({ host: 'unix:///var/run/docker.sock' });
 * const running = await docker.containers.list({ filters: { status: ['running'] } });
 * await docker.close();
 * ```
 */
export class DockerClient {
  readonly containers: Containers;
  readonly exec: Exec;
  readonly images: Images;
  readonly distribution: Distribution;
  readonly networks: Networks;
  readonly volumes: Volumes;
  readonly system: System;
  readonly swarm: Swarm;
  readonly nodes: Nodes;
  readonly services: Services;
  readonly tasks: Tasks;
  readonly secrets: Secrets;
  readonly configs: Configs;
  readonly plugins: Plugins;
  readonly session: Session;
  /**
   * `docker run`: pull if missing, create, start, wait, collect output (see {@link ContainerRun}).
   *
   * @example
   * ```ts
   * const { exitCode, stdout } = await docker.run('busybox', 'echo hi', { remove: true });
   * ```
   */
  readonly run: ContainerRun;
  /**
   * `docker exec` with docker-py's `exec_run` options; the result follows the mode (see {@link ExecRun}).
   *
   * @example
   * ```ts
   * const { exitCode, output } = await docker.execRun('web', 'cat /etc/hostname');
   * ```
   */
  readonly execRun: ExecRun;
  /**
   * Copies bytes or a local file into a container (see {@link CopyTo}).
   *
   * @example
   * ```ts
   * await docker.copyTo('web', '/tmp/hello.txt', Buffer.from('hello\n'));
   * ```
   */
  readonly copyTo: CopyTo;
  /**
   * Reads one file out of a container (see {@link CopyFrom}).
   *
   * @example
   * ```ts
   * const { data } = await docker.copyFrom('web', '/tmp/hello.txt');
   * ```
   */
  readonly copyFrom: CopyFrom;
  readonly #core: EngineCore;

  constructor(options: ConnectOptions = {}) {
    const core = new EngineCore(options);
    this.#core = core;
    this.containers = new Containers(core);
    this.exec = new Exec(core);
    this.images = new Images(core);
    this.distribution = new Distribution(core);
    this.networks = new Networks(core);
    this.volumes = new Volumes(core);
    this.system = new System(core);
    this.swarm = new Swarm(core);
    this.nodes = new Nodes(core);
    this.services = new Services(core);
    this.tasks = new Tasks(core);
    this.secrets = new Secrets(core);
    this.configs = new Configs(core);
    this.plugins = new Plugins(core);
    this.session = new Session(core);
    this.run = runWith(this.containers, this.images);
    this.execRun = execRunWith(this.exec);
    ({ copyTo: this.copyTo, copyFrom: this.copyFrom } = copyWith(this.containers));
  }

  /** Where this client connects, resolved from options and the environment. */
  get endpoint(): Endpoint {
    return this.#core.endpoint;
  }

  /**
   * The API version in use: the pinned one, or the negotiated one (negotiating now if needed).
   *
   * @example
   * ```ts
   * console.log(await docker.apiVersion()); // '1.41' against Docker 20.10
   * ```
   */
  apiVersion(options: { signal?: AbortSignal } = {}): Promise<string> {
    return this.#core.apiVersion(options.signal);
  }

  /**
   * Sends one request exactly as given over this client's connections and resolves with the
   * daemon's answer, whatever its status, the body streaming (destroy it to stop early). For
   * proxies such as the console's gateway, which choose the path, version and headers themselves:
   * no negotiation, no parameter checks, no error mapping of statuses (unreachable engines and
   * aborts still reject, as everywhere).
   *
   * @example
   * ```ts
   * const answer = await docker.passthrough({ method: 'GET', path: '/v1.41/_ping' });
   * console.log(answer.status); // 200
   * answer.body.pipe(process.stdout); // OK
   * ```
   */
  passthrough(request: PassthroughRequest): Promise<HttpResponse> {
    return this.#core.passthrough(request);
  }

  /**
   * Closes pooled connections. Streams still open are ended.
   *
   * @example
   * ```ts
   * await docker.close();
   * ```
   */
  close(): Promise<void> {
    return this.#core.close();
  }
}

/**
 * Connects as the docker CLI would on this machine: explicit options, else `DOCKER_HOST`,
 * `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`, `DOCKER_API_VERSION`, else the default socket.
 *
 * @example
 * ```ts
 * import { connect } from '@gantry/engine';
 * const docker = connect();
 * console.log((await docker.system.version()).Version);
 * ```
 */
export function connect(options: ConnectOptions = {}): DockerClient {
  return new DockerClient(options);
}
