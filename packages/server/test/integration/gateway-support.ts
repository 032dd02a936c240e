/**
 * What the gateway tests share: a console with its gateway on a free port (TLS, generated
 * certificate), peer clients pointed at it (the docker CLI with a DOCKER_CONFIG holding the bearer
 * token in HttpHeaders and DOCKER_CERT_PATH holding the gateway's CA), raw TLS requests with exact
 * bytes, and a recording upstream: a tiny engine that records every request the gateway forwards.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import type { RunningGateway } from '../../src/gateway/listener.ts';
import { startTestConsole, type TestConsole, type TestConsoleOptions } from '../support.ts';

export const TEST_LABEL = process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test';
export const TEST_IMAGE = process.env.GANTRY_TEST_IMAGE ?? 'gantry-test/busybox:latest';
export const DOCKER = '/usr/local/bin/docker';

export interface GatewayConsole {
  readonly console: TestConsole;
  readonly gateway: RunningGateway;
  /** `tcp://127.0.0.1:PORT`, as DOCKER_HOST. */
  readonly dockerHost: string;
  /** A directory with the gateway's `ca.pem`, as DOCKER_CERT_PATH. */
  readonly certDir: string;
  readonly ca: string;
  /** Removes the temporary directories; the console closes itself (autoClose) or with `console.close()`. */
  cleanup(): void;
}

export async function startGatewayConsole(
  options: TestConsoleOptions & { policy?: unknown } = {},
): Promise<GatewayConsole> {
  const scratch = mkdtempSync(join(tmpdir(), 'gantry-gateway-test-'));
  let policyFile: string | undefined;
  if (options.policy !== undefined) {
    policyFile = join(scratch, 'policy.json');
    writeFileSync(policyFile, JSON.stringify(options.policy));
  }
  const testConsole = await startTestConsole({
    ...options,
    config: {
      gateway: { host: '127.0.0.1', port: 0, insecure: false, policyFile },
      ...options.config,
    },
  });
  const gateway = testConsole.running.gateway;
  if (!gateway?.caFile) throw new Error('the test console started without its gateway');
  const certDir = join(scratch, 'certs');
  mkdirSync(certDir);
  copyFileSync(gateway.caFile, join(certDir, 'ca.pem'));
  return {
    console: testConsole,
    gateway,
    dockerHost: `tcp://127.0.0.1:${gateway.port}`,
    certDir,
    ca: readFileSync(gateway.caFile, 'utf8'),
    cleanup: () => rmSync(scratch, { recursive: true, force: true }),
  };
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The docker CLI bound to the gateway with one token (HttpHeaders in its own DOCKER_CONFIG). */
export function dockerCli(gateway: GatewayConsole, token: string | undefined) {
  const configDir = mkdtempSync(join(tmpdir(), 'gantry-gateway-docker-config-'));
  writeFileSync(
    join(configDir, 'config.json'),
    JSON.stringify(token ? { HttpHeaders: { Authorization: `Bearer ${token}` } } : {}),
  );
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: configDir,
    DOCKER_CONFIG: configDir,
    DOCKER_HOST: gateway.dockerHost,
    DOCKER_TLS_VERIFY: '1',
    DOCKER_CERT_PATH: gateway.certDir,
  };
  const run = (args: readonly string[], input?: string | Buffer, timeoutMs = 60_000): Promise<CliResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(DOCKER, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({
          code: code ?? -1,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        });
      });
      child.stdin.end(input);
    });
  return { env, configDir, run, cleanup: () => rmSync(configDir, { recursive: true, force: true }) };
}

/** Runs a program to completion with the environment given. */
export function runProgram(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

export interface RawResponse {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/** Sends exact bytes over TLS to the gateway and reads the answer until the server closes. */
export function rawRequest(
  gateway: GatewayConsole,
  bytes: string | Buffer,
  timeoutMs = 10_000,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port: gateway.gateway.port,
      ca: gateway.ca,
      servername: 'localhost',
    });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('no complete answer in time')), timeoutMs);
    socket.once('secureConnect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // One answer is enough: stop at a complete Content-Length body.
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1];
      if (end >= 0 && length !== undefined && text.length >= end + 4 + Number(length)) socket.destroy();
    });
    const finish = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      if (!status) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      resolve({ status, headers: text.slice(0, end), body: text.slice(end + 4) });
    };
    socket.once('close', finish);
    socket.once('error', () => undefined);
  });
}

/** A request as raw bytes: method, target, headers and body, with Host and the token. */
export function httpText(
  method: string,
  target: string,
  options: { token?: string; headers?: Record<string, string>; body?: string; contentLength?: boolean } = {},
): string {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  if (options.token) lines.push(`Authorization: Bearer ${options.token}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) lines.push(`${name}: ${value}`);
  if (options.body !== undefined && options.contentLength !== false) {
    lines.push(`Content-Length: ${Buffer.byteLength(options.body)}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n${options.body ?? ''}`;
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/**
 * A stand-in engine: answers what the console's engine manager asks (ping, version, events held
 * open, empty lists) and records every request that came through the gateway (its User-Agent says
 * `gantry-gateway`), so a test can assert that a denied request never reached it.
 */
export async function recordingUpstream(): Promise<{
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}> {
  const requests: RecordedRequest[] = [];
  const held = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '').replace(/^\/v[\d.]+/, '').split('?')[0] ?? '';
      if (String(request.headers['user-agent'] ?? '').includes('gantry-gateway')) {
        requests.push({
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      }
      response.setHeader('Api-Version', '1.41');
      if (path === '/_ping') return response.end('OK');
      if (path === '/version') {
        return response.end(
          JSON.stringify({
            Version: '20.10.24',
            ApiVersion: '1.41',
            MinAPIVersion: '1.12',
            Os: 'linux',
            Arch: 'amd64',
          }),
        );
      }
      if (path === '/events') {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.flushHeaders();
        held.add(response);
        return;
      }
      if (path === '/volumes') return response.end(JSON.stringify({ Volumes: [], Warnings: [] }));
      if (path === '/info') return response.end(JSON.stringify({ ID: 'recorder', Name: 'recorder' }));
      if (
        /\/json$|^\/networks$|^\/services$|^\/tasks$|^\/nodes$|^\/secrets$|^\/configs$|^\/plugins$/.test(path)
      ) {
        return response.end(
          request.method === 'GET' && /\/(containers|images|networks)\/json$|^\/[a-z]+$/.test(path)
            ? '[]'
            : '{}',
        );
      }
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `tcp://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const uniqueSuffix = () => randomBytes(4).toString('hex');
