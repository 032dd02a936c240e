/**
 * What the browser tests share: a real console (`gantry-server serve`, a child process with a fresh
 * SQLite data directory, connected to the harness engine), Debian's Chromium through playwright-core,
 * an admin created through the real setup route, an API client (bearer token) for arranging objects,
 * and screenshots. Every engine object a test makes carries the harness label, so teardown removes
 * what a failed test leaves.
 *
 *   const consoleUnderTest = await startConsole();       // stopped after the file's tests
 *   const admin = await consoleUnderTest.admin();        // setup + an API token
 *   const page = await openPage(consoleUnderTest.url);   // a fresh browser context
 *   await signIn(page, admin);
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const SERVER_MAIN = join(ROOT, 'packages', 'server', 'bin', 'gantry-server.js');
export const TEST_LABEL = process.env.GANTRY_TEST_LABEL ?? 'io.gantry.test';
export const TEST_IMAGE = process.env.GANTRY_TEST_IMAGE ?? 'gantry-test/busybox:latest';
export const TEST_PASSWORD = 'correct horse battery staple';
/** Where the tests put their screenshots (the best are copied into docs/screenshots by hand). */
export const SCREENSHOT_DIR = join(ROOT, '.gantry-test', 'screenshots');
const CHROMIUM = process.env.GANTRY_TEST_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * Clean-ups run once, after every test of the file (newest first). Registered at import, at the file's
 * top level: an `after()` made inside a `before()` hook would run as soon as that hook ends.
 */
const cleanups: (() => Promise<unknown> | unknown)[] = [];
after(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

export interface Account {
  readonly username: string;
  readonly password: string;
  /** An API token of the account, for arranging objects through the console's API. */
  readonly token: string;
}

export interface ConsoleUnderTest {
  readonly url: string;
  /** The one-time setup token the console printed (for tests that do the setup in the browser). */
  setupToken(): Promise<string>;
  /** The first admin (created once through POST /api/setup with the printed token). */
  admin(): Promise<Account>;
  /** Another user with `role` (admin's token creates it). */
  user(role: string, username?: string): Promise<Account>;
  /** A new API token of the admin (its secret), named `name`. */
  token(name: string): Promise<string>;
  /** A JSON call with the admin's token: the parsed answer; throws with the server's message. */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Starts a console on a free port and waits for its banner and setup token. Its Engine API gateway is
 * off unless `gateway` is given (then on a free port; `clientCa`: mutual TLS with that CA bundle).
 */
export async function startConsole(
  options: { gateway?: { clientCa?: string } } = {},
): Promise<ConsoleUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-web-test-'));
  const gateway = options.gateway
    ? [
        '--gateway-port',
        '0',
        ...(options.gateway.clientCa ? ['--gateway-client-ca', options.gateway.clientCa] : []),
      ]
    : ['--gateway-port', 'off'];
  const child = spawn(
    process.execPath,
    [SERVER_MAIN, 'serve', '--port', '0', '--data-dir', dataDir, ...gateway, '--log-level', 'warn'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
  );
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  // The console's log, kept short: printed whole with GANTRY_TEST_LOG, its tail when it dies mid-test.
  let stderrTail = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    if (process.env.GANTRY_TEST_LOG) process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk).slice(-16_384);
  });
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(
      `[e2e] the console under test exited unexpectedly (code ${code}, signal ${signal}); the end of its log:\n${stderrTail}\n`,
    );
  });
  const url = await banner(child, () => output);
  const setupToken = /\b(gst_[A-Za-z0-9_-]+)/.exec(output)?.[1];
  let adminAccount: Promise<Account> | undefined;
  const stop = async () => {
    stopping = true;
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  cleanups.push(stop);

  const request = async <T>(token: string | undefined, method: string, path: string, body?: unknown) => {
    const response = await fetch(new URL(path, url), {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  /** Signs in with a password (as the UI does) and creates an API token from that session. */
  const tokenFor = async (username: string, password: string, name = `web-test-${username}`) => {
    const login = await fetch(new URL('/api/auth/login', url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!login.ok) throw new Error(`login ${username}: ${login.status} ${await login.text()}`);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const created = await fetch(new URL('/api/tokens', url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrfToken },
      body: JSON.stringify({ name }),
    });
    if (!created.ok) throw new Error(`token for ${username}: ${created.status} ${await created.text()}`);
    return ((await created.json()) as { token: string }).token;
  };

  const admin = () => {
    adminAccount ??= (async () => {
      if (!setupToken) throw new Error(`the console printed no setup token: ${output}`);
      await request(undefined, 'POST', '/api/setup', {
        token: setupToken,
        username: 'admin',
        password: TEST_PASSWORD,
      });
      return { username: 'admin', password: TEST_PASSWORD, token: await tokenFor('admin', TEST_PASSWORD) };
    })();
    return adminAccount;
  };

  return {
    url,
    setupToken: async () => {
      if (!setupToken) throw new Error(`the console printed no setup token: ${output}`);
      return setupToken;
    },
    admin,
    async user(role, username = `${role}-user`) {
      const { token } = await admin();
      await request(token, 'POST', '/api/users', { username, password: TEST_PASSWORD, role, engines: '*' });
      return { username, password: TEST_PASSWORD, token: await tokenFor(username, TEST_PASSWORD) };
    },
    async token(name) {
      const { username, password } = await admin();
      return tokenFor(username, password, name);
    },
    async call(method, path, body) {
      const { token } = await admin();
      return request(token, method, path, body);
    },
    stop,
  };
}

async function banner(child: ChildProcess, output: () => string): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const url = /listening on (http:\/\/\S+)/.exec(output())?.[1];
    // A fresh data directory always gets a setup token, printed after the banner (maybe in a later chunk).
    if (url && /\bgst_[A-Za-z0-9_-]+\s/.test(output())) return url;
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`the console did not start: ${output()}`);
}

let browser: Promise<Browser> | undefined;

/** One Chromium for the test file, closed after it. */
export function sharedBrowser(): Promise<Browser> {
  if (!browser) {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium)`);
    browser = chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
    cleanups.push(async () => (await browser)?.close());
  }
  return browser;
}

/** A page in a fresh context (own cookies), 1280 × 800 unless `viewport` says otherwise. */
export async function openPage(
  url: string,
  options: { viewport?: { width: number; height: number }; colorScheme?: 'dark' | 'light' } = {},
): Promise<Page> {
  const context = await (await sharedBrowser()).newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'dark',
    baseURL: url,
  });
  cleanups.push(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  // A page error is a test failure: collect them and let tests assert none happened.
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  pageErrors.set(page, errors);
  await page.goto(url);
  return page;
}

const pageErrors = new WeakMap<Page, string[]>();

/** Uncaught errors the page threw so far. */
export function errorsOf(page: Page): readonly string[] {
  return pageErrors.get(page) ?? [];
}

/** Signs in through the login page and waits for the shell. */
export async function signIn(page: Page, account: { username: string; password: string }): Promise<void> {
  await page.getByLabel('Username').fill(account.username);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Saves `<name>.png` of the page (`.gantry-test/screenshots`). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Labels every test object gets: the harness label (teardown removes them) and the run's own. */
export function testLabels(extra: Record<string, string> = {}): Record<string, string> {
  return { [TEST_LABEL]: '1', ...extra };
}
