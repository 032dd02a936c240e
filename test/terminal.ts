/**
 * A real terminal for the interactive tests (CLI, gateway): a tmux server of the test's own (own
 * socket), typed into and read back as a person would use it (`send-keys`, `capture-pane`).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** A skip reason when tmux is not installed (the harness installs it on a fresh machine). */
export const tmuxMissing =
  existsSync('/usr/bin/tmux') || existsSync('/usr/local/bin/tmux') ? false : 'tmux is not installed';

/** One tmux server of its own (its own socket) with one window running `sh`, 100 x 30. */
export class Terminal {
  readonly #socket = `gantry-test-${randomBytes(4).toString('hex')}-${process.pid}`;

  async start(): Promise<void> {
    await this.#tmux(
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      'it',
      '-x',
      '100',
      '-y',
      '30',
      'env PS1="$ " sh',
    );
    await this.waitFor(/\$ $/m);
  }

  /** Types a line and presses Enter. */
  async type(line: string): Promise<void> {
    await this.#tmux('send-keys', '-t', 'it', '-l', line);
    await this.#tmux('send-keys', '-t', 'it', 'Enter');
  }

  /** Presses keys by tmux's names (`C-p`), one write each, as a person would. */
  async press(...keys: string[]): Promise<void> {
    for (const key of keys) {
      await this.#tmux('send-keys', '-t', 'it', key);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async resize(columns: number, rows: number): Promise<void> {
    await this.#tmux('resize-window', '-t', 'it', '-x', String(columns), '-y', String(rows));
  }

  async clear(): Promise<void> {
    await this.type('clear');
    await this.#tmux('clear-history', '-t', 'it');
  }

  async screen(): Promise<string> {
    return (await this.#tmux('capture-pane', '-p', '-J', '-t', 'it')).replace(/\n+$/, '\n');
  }

  /** Waits until the screen matches; fails showing the screen. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.screen();
      const match = screen.match(pattern);
      if (match) return match;
      if (Date.now() > deadline) assert.fail(`the terminal never showed ${pattern}; it shows:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    await this.#tmux('kill-server').catch(() => undefined);
  }

  async #tmux(...args: string[]): Promise<string> {
    const { stdout } = await execFileAsync('tmux', ['-L', this.#socket, ...args], { env: process.env });
    return stdout;
  }
}
