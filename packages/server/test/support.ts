/**
 * A real console for a test: 127.0.0.1, a free port, a fresh database (SQLite or the harness's
 * PostgreSQL), the harness engine (DOCKER_HOST) as its local engine, setup done with an admin.
 *
 *   const console = await startTestConsole();            // after(() => console.close()) is registered
 *   const admin = await console.asAdmin();               // cookie + CSRF handled
 *   const { status, body } = await admin.get('/api/engines');
 *   const viewer = await console.createUser('viewer', '*');
 *   const token = await console.createToken('operator', [console.localEngineId]);
 *   const socket = await console.ws(`/api/engines/${id}/events`, { token });
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { WebSocket } from 'ws';
import { type RunningConsole, type StartOptions, startConsole } from '../src/app.ts';
import type { ConsoleConfig } from '../src/context.ts';
import { type Dialect, freshDatabase } from './databases.ts';

export { DIALECTS, type Dialect, skipDialect } from './databases.ts';

export const ADMIN_USERNAME = 'admin';
/** Long enough for any password rule. */
export const TEST_PASSWORD = 'correct horse battery staple 42';

/** A response body as tests read it: loosely, asserting on what they expect. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read JSON bodies without declaring their types
export type Json = any;

export interface ApiResponse<T = Json> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface RequestOptions {
  readonly headers?: Record<string, string>;
  /** Sent as is (no JSON encoding), e.g. a tar archive or a wrong content type. */
  readonly raw?: BodyInit | Uint8Array;
}

/** A small HTTP client bound to one identity: a session (cookie + CSRF) or a bearer token, or nobody. */
export interface ApiClient {
  readonly cookie?: string | undefined;
  readonly csrfToken?: string | undefined;
  readonly token?: string | undefined;
  request(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse>;
  get(path: string, options?: RequestOptions): Promise<ApiResponse>;
  post(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse>;
  put(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse>;
  patch(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse>;
  delete(path: string, options?: RequestOptions): Promise<ApiResponse>;
}

export interface WsOptions {
  readonly cookie?: string | undefined;
  readonly token?: string | undefined;
  /** Default: the console's own origin (what a browser on the console sends); `null` sends none. */
  readonly origin?: string | null;
  readonly protocols?: string[];
}

/** An open socket with its messages queued, so none is missed between `await`s. */
export interface TestSocket {
  readonly socket: WebSocket;
  /** The next JSON message (text frames), or rejects after `timeoutMs`. */
  next<T = Json>(timeoutMs?: number): Promise<T>;
  send(message: unknown): void;
  /** Resolves with the close code and reason. */
  closed(): Promise<{ code: number; reason: string }>;
  close(): void;
}

export interface TestConsole {
  readonly url: string;
  readonly running: RunningConsole;
  readonly dialect: Dialect;
  /** PostgreSQL: the test database's URL; SQLite: undefined (the file is in `config.dataDir`). */
  readonly databaseUrl: string | undefined;
  readonly config: ConsoleConfig;
  /** What the console printed on start (the banner, the setup token). */
  readonly printed: readonly string[];
  /** The id of the engine the console added from DOCKER_HOST on first start. */
  readonly localEngineId: string;
  /** An anonymous client. */
  readonly anonymous: ApiClient;
  asAdmin(): Promise<ApiClient>;
  loginAs(username: string, password?: string): Promise<ApiClient>;
  /** A new user with that role and engines (`'*'` or ids), signed in. */
  createUser(
    role: string,
    engines: '*' | readonly string[],
    username?: string,
  ): Promise<ApiClient & { username: string }>;
  /** An admin-owned API token with that role and engines; returns the secret. */
  createToken(role: string, engines: '*' | readonly string[]): Promise<string>;
  client(credentials: { token?: string; cookie?: string; csrfToken?: string }): ApiClient;
  ws(path: string, options?: WsOptions): Promise<TestSocket>;
  /** The status a WebSocket handshake is refused with (rejects if it opens instead). */
  wsRefusal(path: string, options?: WsOptions): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export interface TestConsoleOptions extends Omit<StartOptions, 'stdout'> {
  readonly dialect?: Dialect;
  readonly config?: Partial<ConsoleConfig>;
  /** Skip the first-admin setup (to test it). */
  readonly setup?: boolean;
  /**
   * Reuse another test console's database and data directory (e.g. a second console on the same
   * PostgreSQL, or the permission test's stub table over a real console's users and tokens).
   */
  readonly shareWith?: TestConsole;
  /**
   * Close it in `after()` of the calling test or file (default). Inside a `before()` hook pass false
   * and close it yourself: an `after()` registered in a hook runs when the hook ends.
   */
  readonly autoClose?: boolean;
}

const uniqueSuffix = () => randomBytes(4).toString('hex');

export async function startTestConsole(options: TestConsoleOptions = {}): Promise<TestConsole> {
  const dialect = options.shareWith?.dialect ?? options.dialect ?? 'sqlite';
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  let dataDir: string;
  let databaseUrl: string | undefined;
  if (options.shareWith) {
    dataDir = options.shareWith.config.dataDir;
    databaseUrl = options.shareWith.databaseUrl;
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'gantry-console-test-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    if (dialect === 'postgres') {
      const fresh = await freshDatabase('postgres', { migrated: false });
      // Only the database is kept; the console opens (and migrates) its own pool.
      await fresh.db.close();
      databaseUrl = fresh.url;
      cleanups.unshift(() => fresh.drop());
    }
  }
  const config: ConsoleConfig = {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    databaseUrl,
    allowedOrigins: [],
    localEngine: process.env.DOCKER_HOST,
    sessionIdleMs: 60 * 60 * 1000,
    auditRetentionDays: undefined,
    bodyLimitBytes: 1024 * 1024,
    logLevel: process.env.GANTRY_TEST_LOG === '1' ? 'debug' : 'error',
    ...options.config,
  };
  const printed: string[] = [];
  let running: RunningConsole;
  try {
    running = await startConsole(config, {
      ...options,
      stdout: { write: (text: string) => printed.push(text) },
      ...(options.logStream || process.env.GANTRY_TEST_LOG === '1'
        ? {}
        : { logStream: { write: () => true } }),
    });
  } catch (error) {
    for (const cleanup of cleanups) await cleanup();
    throw error;
  }
  const url = running.url;
  const anonymous = apiClient(url, {});
  const sockets = new Set<WebSocket>();

  let admin: ApiClient | undefined;
  const loginAs = async (username: string, password = TEST_PASSWORD): Promise<ApiClient> => {
    const response = await anonymous.post('/api/auth/login', { username, password });
    if (response.status !== 200) {
      throw new Error(`login as ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
    }
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
    return apiClient(url, { cookie, csrfToken: response.body.csrfToken });
  };
  const asAdmin = async () => {
    admin ??= await loginAs(ADMIN_USERNAME);
    return admin;
  };
  const expectOk = <T>(what: string, response: ApiResponse<T>): T => {
    if (response.status >= 300)
      throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };

  if (running.setupToken && options.setup !== false) {
    expectOk(
      'setup',
      await anonymous.post('/api/setup', {
        token: running.setupToken,
        username: ADMIN_USERNAME,
        password: TEST_PASSWORD,
      }),
    );
  }
  const localEngineId = running.services.engines.list()[0]?.id ?? 'local';

  const wsUrl = (path: string) => `${url.replace(/^http/, 'ws')}${path}`;
  const socketOptions = (options: WsOptions) => {
    const headers: Record<string, string> = {};
    if (options.cookie) headers.cookie = options.cookie;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const origin = options.origin === undefined ? url : options.origin;
    return { headers, ...(origin === null ? {} : { origin }) };
  };

  const testConsole: TestConsole = {
    url,
    running,
    dialect,
    databaseUrl,
    config,
    printed,
    localEngineId,
    anonymous,
    asAdmin,
    loginAs,
    async createUser(role, engines, username = `user-${role}-${uniqueSuffix()}`) {
      const admin = await asAdmin();
      expectOk(
        `create user ${username}`,
        await admin.post('/api/users', { username, password: TEST_PASSWORD, role, engines }),
      );
      return Object.assign(await loginAs(username), { username });
    },
    async createToken(role, engines) {
      const admin = await asAdmin();
      const body = expectOk(
        `create a ${role} token`,
        await admin.post('/api/tokens', { name: `test-${role}-${uniqueSuffix()}`, role, engines }),
      ) as { token: string };
      return body.token;
    },
    client: (credentials) => apiClient(url, credentials),
    ws(path, options = {}) {
      const socket = new WebSocket(wsUrl(path), options.protocols ?? [], socketOptions(options));
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      return new Promise<TestSocket>((resolve, reject) => {
        const wrapped = queuedSocket(socket);
        socket.once('open', () => resolve(wrapped));
        socket.once('unexpected-response', (_request, response) => {
          reject(new Error(`WebSocket ${path} refused: ${response.statusCode}`));
          response.resume();
        });
        socket.once('error', reject);
      });
    },
    wsRefusal(path, options = {}) {
      const socket = new WebSocket(wsUrl(path), options.protocols ?? [], socketOptions(options));
      return new Promise((resolve, reject) => {
        socket.once('open', () => {
          socket.close();
          reject(new Error(`WebSocket ${path} opened, a refusal was expected`));
        });
        socket.once('unexpected-response', (_request, response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          response.on('error', () => resolve({ status: response.statusCode ?? 0, body }));
        });
        socket.once('error', (error) => {
          if (!/Unexpected server response/.test(error.message)) reject(error);
        });
      });
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      await running.close();
      for (const cleanup of cleanups) await cleanup();
    },
  };
  if (options.autoClose !== false) after(() => testConsole.close());
  return testConsole;
}

/** A client for any console URL with these credentials (none: anonymous). */
export function apiClient(
  baseUrl: string,
  credentials: { token?: string | undefined; cookie?: string | undefined; csrfToken?: string | undefined },
): ApiClient {
  const request = async (method: string, path: string, body?: unknown, options: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (credentials.cookie) headers.cookie = credentials.cookie;
    if (credentials.token) headers.authorization = `Bearer ${credentials.token}`;
    if (credentials.csrfToken && method !== 'GET') headers['x-csrf-token'] ??= credentials.csrfToken;
    let payload = options.raw as BodyInit | undefined;
    if (payload === undefined && body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload ?? null });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, body: parsed as Json, headers: response.headers };
  };
  return {
    ...credentials,
    request,
    get: (path, options) => request('GET', path, undefined, options),
    post: (path, body, options) => request('POST', path, body, options),
    put: (path, body, options) => request('PUT', path, body, options),
    patch: (path, body, options) => request('PATCH', path, body, options),
    delete: (path, options) => request('DELETE', path, undefined, options),
  };
}

function queuedSocket(socket: WebSocket): TestSocket {
  const messages: unknown[] = [];
  const waiting: ((message: unknown) => void)[] = [];
  socket.on('message', (data, isBinary) => {
    const message = isBinary ? data : JSON.parse(String(data));
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else messages.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  return {
    socket,
    next: <T>(timeoutMs = 10_000) =>
      new Promise<T>((resolve, reject) => {
        if (messages.length > 0) return resolve(messages.shift() as T);
        const timer = setTimeout(
          () => reject(new Error(`no WebSocket message within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiting.push((message) => {
          clearTimeout(timer);
          resolve(message as T);
        });
      }),
    send: (message) => socket.send(JSON.stringify(message)),
    closed: () => closed,
    close: () => socket.close(),
  };
}
