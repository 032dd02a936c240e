/**
 * Certificates for the mutual-TLS daemon, made with openssl: a CA, a server certificate for
 * 127.0.0.1 / localhost, a client certificate — named as the docker CLI expects in DOCKER_CERT_PATH —
 * and, for the wrong-material tests, a second CA with a client certificate of its own that the daemon
 * must refuse. Shared by every run on this checkout and reused while valid (a live daemon keeps the
 * certificates it loaded, so regenerating under a running test would break it).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, tryRun } from './exec.ts';
import { say } from './log.ts';
import { TLS_DIR, TLS_WRONG_DIR, WORK_DIR } from './paths.ts';

export interface TlsMaterial {
  /** DOCKER_CERT_PATH-style directory: ca.pem, cert.pem, key.pem (+ the server's pair). */
  dir: string;
  /** ca.pem, cert.pem, key.pem from an unrelated CA. */
  wrongDir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
}

const VALID_DAYS = 30;
/** Renew when less than this is left, so a run never straddles an expiry. */
const RENEW_SECONDS = 2 * 24 * 3600;

// Our own config: the system openssl.cnf would add its default extensions to the CA and the leaves.
const OPENSSL_CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = gantry-test
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`;

let material: Promise<TlsMaterial> | undefined;

export function ensureTlsMaterial(): Promise<TlsMaterial> {
  material ??= provideTlsMaterial();
  return material;
}

async function provideTlsMaterial(): Promise<TlsMaterial> {
  const result: TlsMaterial = {
    dir: TLS_DIR,
    wrongDir: TLS_WRONG_DIR,
    ca: join(TLS_DIR, 'ca.pem'),
    serverCert: join(TLS_DIR, 'server-cert.pem'),
    serverKey: join(TLS_DIR, 'server-key.pem'),
  };
  if (
    (await stillValid(TLS_DIR, ['server-cert.pem', 'cert.pem'])) &&
    (await stillValid(TLS_WRONG_DIR, ['cert.pem']))
  ) {
    say(`reusing the TLS material in ${TLS_DIR} and ${TLS_WRONG_DIR}`);
    return result;
  }
  say(`generating TLS material (CA, server and client certificates) in ${TLS_DIR} and ${TLS_WRONG_DIR}`);
  await generateInto(TLS_DIR, true);
  await generateInto(TLS_WRONG_DIR, false);
  return result;
}

async function stillValid(dir: string, certificates: string[]): Promise<boolean> {
  for (const name of certificates) {
    const path = join(dir, name);
    if (!existsSync(path)) return false;
    const check = await tryRun('openssl', [
      'x509',
      '-checkend',
      String(RENEW_SECONDS),
      '-noout',
      '-in',
      path,
    ]);
    if (check.code !== 0) return false;
  }
  return existsSync(join(dir, 'ca.pem')) && existsSync(join(dir, 'key.pem'));
}

/**
 * Builds the set in a scratch directory and renames it into place, so a concurrent run never reads
 * half a set; the CA's key is deleted once it has signed (nothing signs later).
 */
async function generateInto(dir: string, withServer: boolean): Promise<void> {
  const scratch = join(WORK_DIR, `tls-scratch-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(scratch, { recursive: true });
  try {
    const config = join(scratch, 'openssl.cnf');
    writeFileSync(config, OPENSSL_CONFIG);
    const file = (name: string) => join(scratch, name);
    await newKey(file('ca-key.pem'));
    // biome-ignore format: an openssl command line reads best as one
    await run('openssl', [
      'req', '-x509', '-new', '-config', config, '-key', file('ca-key.pem'), '-sha256', '-days', String(VALID_DAYS),
      '-subj', `/CN=Gantry test CA ${randomBytes(4).toString('hex')}`, '-extensions', 'ca', '-out', file('ca.pem'),
    ]);
    if (withServer) {
      await signedPair(scratch, config, 'server', 'server-cert.pem', 'server-key.pem', '/CN=localhost');
    }
    await signedPair(scratch, config, 'client', 'cert.pem', 'key.pem', '/CN=gantry-test-client');
    for (const name of ['ca-key.pem', 'openssl.cnf']) rmSync(file(name));
    rmSync(dir, { recursive: true, force: true });
    renameSync(scratch, dir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function newKey(path: string): Promise<void> {
  // P-256 keys: generated in milliseconds, and dockerd, the docker CLI and Node all accept them.
  await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path]);
  chmodSync(path, 0o600);
}

async function signedPair(
  dir: string,
  config: string,
  extensions: 'server' | 'client',
  certName: string,
  keyName: string,
  subject: string,
): Promise<void> {
  const key = join(dir, keyName);
  const csr = join(dir, `${extensions}.csr`);
  await newKey(key);
  await run('openssl', ['req', '-new', '-config', config, '-key', key, '-subj', subject, '-out', csr]);
  // biome-ignore format: an openssl command line reads best as one
  await run('openssl', [
    'x509', '-req', '-in', csr, '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca-key.pem'),
    '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-sha256', '-days', String(VALID_DAYS),
    '-extfile', config, '-extensions', extensions, '-out', join(dir, certName),
  ]);
  rmSync(csr);
}
