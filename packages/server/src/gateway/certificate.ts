/**
 * The gateway's TLS material: given files, or a CA and server certificate generated on first start
 * into `<dataDir>/gateway/` with the system's `openssl` (node:crypto makes keys but no X.509
 * certificates). Clients trust `ca.pem` (the docker CLI: `DOCKER_CERT_PATH` holding it). Private keys
 * are written 0600; a generated certificate is reused while it is valid for more than a day.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { GatewayConfig } from '../context.ts';

const run = promisify(execFile);
const DAY_MS = 24 * 60 * 60 * 1000;
/** Validity of a generated certificate (days); browsers' 398-day cap does not apply to Docker clients. */
const VALID_DAYS = 825;

export interface GatewayTls {
  readonly cert: string;
  readonly key: string;
  /** The CA that signed `cert` (generated material), to hand to clients. */
  readonly caFile: string | undefined;
  /** CA bundle client certificates are checked against (mutual TLS); undefined: none asked for. */
  readonly clientCa: string | undefined;
  /** SHA-256 fingerprint of the server certificate, `AB:CD:...`. */
  readonly fingerprint: string;
  readonly generated: boolean;
}

/** The material for `config`, generating it under `dataDir` when no certificate is given. */
export async function loadGatewayTls(config: GatewayConfig, dataDir: string): Promise<GatewayTls> {
  const clientCa = config.clientCaFile
    ? await readPem(config.clientCaFile, '--gateway-client-ca')
    : undefined;
  if (config.certFile && config.keyFile) {
    const cert = await readPem(config.certFile, '--gateway-cert');
    const key = await readPem(config.keyFile, '--gateway-key');
    return { cert, key, caFile: undefined, clientCa, fingerprint: fingerprintOf(cert), generated: false };
  }
  const dir = join(dataDir, 'gateway');
  const files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  let cert = await readFile(files.cert, 'utf8').catch(() => undefined);
  if (!cert || !stillValid(cert, config.host)) {
    await generate(dir, config.host);
    cert = await readFile(files.cert, 'utf8');
  }
  const key = await readFile(files.key, 'utf8');
  return { cert, key, caFile: files.ca, clientCa, fingerprint: fingerprintOf(cert), generated: true };
}

export const fingerprintOf = (pem: string | Buffer): string => new X509Certificate(pem).fingerprint256;

async function readPem(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read ${flag} ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}): give a readable PEM file`,
    );
  }
}

/** Valid for at least another day, and naming the configured host. */
function stillValid(pem: string, host: string): boolean {
  try {
    const cert = new X509Certificate(pem);
    if (Date.parse(cert.validTo) - Date.now() < DAY_MS) return false;
    return isWildcard(host) || cert.checkHost(host) !== undefined || cert.checkIP(host) !== undefined;
  } catch {
    return false;
  }
}

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::';
const isIp = (host: string) => /^[\d.]+$/.test(host) || host.includes(':');

/** The names the certificate covers: loopback, this machine's name and the configured host. */
function subjectAltNames(host: string): string {
  const names = new Set(['DNS:localhost', 'IP:127.0.0.1', 'IP:::1', `DNS:${hostname()}`]);
  if (!isWildcard(host)) names.add(isIp(host) ? `IP:${host.replace(/^\[|\]$/g, '')}` : `DNS:${host}`);
  return [...names].join(',');
}

/** A fresh CA and a server certificate it signed, written atomically (a crash leaves the old set). */
async function generate(dir: string, host: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const work = join(dir, `.new-${process.pid}`);
  await mkdir(work, { recursive: true, mode: 0o700 });
  const at = (name: string) => join(work, name);
  const openssl = (args: string[]) =>
    run('openssl', args).catch((error: NodeJS.ErrnoException & { stderr?: string }) => {
      throw new Error(
        error.code === 'ENOENT'
          ? 'generating the gateway certificate needs openssl (apt-get install openssl), or give --gateway-cert and --gateway-key'
          : `openssl failed generating the gateway certificate: ${String(error.stderr ?? error.message).trim()}`,
      );
    });
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await openssl([
      'req',
      '-x509',
      ...ec,
      '-keyout',
      at('ca-key.pem'),
      '-out',
      at('ca.pem'),
      '-days',
      String(VALID_DAYS),
      '-subj',
      '/CN=Gantry gateway CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await openssl([
      'req',
      ...ec,
      '-keyout',
      at('key.pem'),
      '-out',
      at('cert.csr'),
      '-subj',
      '/CN=gantry-gateway',
    ]);
    const extensions = at('ext.cnf');
    await writeFile(
      extensions,
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${subjectAltNames(host)}\n`,
    );
    await openssl([
      'x509',
      '-req',
      '-in',
      at('cert.csr'),
      '-CA',
      at('ca.pem'),
      '-CAkey',
      at('ca-key.pem'),
      '-CAcreateserial',
      '-out',
      at('cert.pem'),
      '-days',
      String(VALID_DAYS),
      '-extfile',
      extensions,
    ]);
    for (const name of ['ca-key.pem', 'key.pem']) await chmod(at(name), 0o600);
    for (const name of ['ca-key.pem', 'ca.pem', 'key.pem', 'cert.pem'])
      await rename(at(name), join(dir, name));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
