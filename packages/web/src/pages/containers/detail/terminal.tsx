/**
 * The Terminal tab: xterm.js over the terminal channel. Keystrokes go out as binary frames, output
 * comes back as binary frames; the terminal follows its box's size (fit addon) and tells the
 * process with `{type:'resize'}`. A session ends with the process (its exit code is shown) or the
 * socket; Reconnect starts a new process. Each session is its own component instance (a new key).
 */
import { FitAddon } from '@xterm/addon-fit';
import { type ITheme, Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { enginePath } from '../../../api/client.ts';
import { useChannel } from '../../../api/hooks.ts';
import { Button, Empty, SelectField, TextField } from '../../../ui/controls.tsx';
import { mirrorInlineStyles } from './csp-styles.ts';

const SHELLS = [
  { value: 'auto', label: 'Default (bash if present, else sh)' },
  { value: '/bin/sh', label: '/bin/sh' },
  { value: '/bin/bash', label: '/bin/bash' },
  { value: 'custom', label: 'Custom command…' },
];

/**
 * The channel's `cmd`: undefined for the server's default, else an argv JSON array. A custom
 * command is a JSON array as typed, or words split on spaces (never run through a shell).
 */
function commandOf(shell: string, custom: string): string | undefined {
  if (shell === 'auto') return undefined;
  if (shell !== 'custom') return JSON.stringify([shell]);
  const text = custom.trim();
  if (text.startsWith('[')) return text;
  return JSON.stringify(text.split(/\s+/).filter(Boolean));
}

export function TerminalTab({ engine, id, running }: { engine: string; id: string; running: boolean }) {
  const [shell, setShell] = useState('auto');
  const [custom, setCustom] = useState('');
  const [session, setSession] = useState({ generation: 0, cmd: undefined as string | undefined });
  const start = () =>
    setSession((previous) => ({ generation: previous.generation + 1, cmd: commandOf(shell, custom) }));
  if (!running) return <Empty>The container is not running: start it to open a terminal.</Empty>;
  return (
    <div className="terminal-tab">
      <form
        className="toolbar terminal-toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          start();
        }}
      >
        <SelectField
          label="Shell"
          value={shell}
          options={SHELLS}
          onChange={(event) => setShell(event.target.value)}
        />
        {shell === 'custom' ? (
          <TextField
            label="Command"
            value={custom}
            required
            placeholder='top -d 1   or   ["ls","-la","/"]'
            onChange={(event) => setCustom(event.target.value)}
          />
        ) : null}
        <Button type="submit">New session</Button>
      </form>
      <TerminalSession
        key={session.generation}
        engine={engine}
        id={id}
        cmd={session.cmd}
        onReconnect={start}
      />
    </div>
  );
}

/** The terminal colours from the page's theme variables (they differ between dark and light). */
function themeOf(): ITheme {
  const style = getComputedStyle(document.documentElement);
  const variable = (name: string) => style.getPropertyValue(name).trim();
  return {
    background: variable('--panel-2'),
    foreground: variable('--text'),
    cursor: variable('--accent'),
    selectionBackground: variable('--highlight'),
  };
}

type TerminalFrame = { type: 'exit'; code: number } | { type: 'error'; message: string };

function TerminalSession({
  engine,
  id,
  cmd,
  onReconnect,
}: {
  engine: string;
  id: string;
  cmd: string | undefined;
  onReconnect: () => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const terminal = useRef<Terminal | undefined>(undefined);
  const sendRef = useRef<(data: string | Uint8Array) => void>(() => undefined);
  /** The size the process starts with (later sizes go as resize messages, not a new socket). */
  const [initialSize, setInitialSize] = useState<{ cols: number; rows: number }>();
  const [exitCode, setExitCode] = useState<number>();

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: getComputedStyle(element).fontFamily,
      fontSize: 13,
      theme: themeOf(),
      scrollback: 5000,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    const stopMirroring = mirrorInlineStyles(element);
    term.open(element);
    fit.fit();
    terminal.current = term;
    setInitialSize({ cols: term.cols, rows: term.rows });
    const encoder = new TextEncoder();
    const subscriptions = [
      term.onData((data) => sendRef.current(encoder.encode(data))),
      // Mouse reports in some modes: each character is one byte.
      term.onBinary((data) => sendRef.current(Uint8Array.from(data, (char) => char.charCodeAt(0) & 0xff))),
      term.onResize(({ cols, rows }) => sendRef.current(JSON.stringify({ type: 'resize', cols, rows }))),
    ];
    const resize = new ResizeObserver(() => fit.fit());
    resize.observe(element);
    // The theme switch rewrites data-theme on <html>: recolour the terminal with it.
    const recolour = new MutationObserver(() => {
      term.options.theme = themeOf();
    });
    recolour.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    term.focus();
    return () => {
      resize.disconnect();
      recolour.disconnect();
      for (const subscription of subscriptions) subscription.dispose();
      term.dispose();
      stopMirroring();
      terminal.current = undefined;
    };
  }, []);

  const channel = useChannel(
    initialSize ? enginePath(engine, 'containers', id, 'terminal') : undefined,
    initialSize ? { cmd, cols: initialSize.cols, rows: initialSize.rows } : undefined,
    {
      onBinary: (data) => terminal.current?.write(new Uint8Array(data)),
      onMessage: (message) => {
        const frame = message as TerminalFrame;
        if (frame.type === 'exit') setExitCode(frame.code);
      },
    },
  );
  sendRef.current = channel.send;

  const ended = channel.state === 'closed' || channel.state === 'error';
  return (
    <div className="terminal-session">
      <div className="terminal-host" ref={host} />
      <div className="log-status" aria-live="polite">
        <span>
          {exitCode !== undefined
            ? `Process exited with code ${exitCode}`
            : channel.state === 'open'
              ? 'Connected'
              : channel.state === 'connecting'
                ? 'Connecting…'
                : channel.state === 'error'
                  ? 'The terminal failed or was refused (it needs containers.exec, a running container and a command that exists in it)'
                  : 'Disconnected'}
        </span>
        {channel.error ? <span className="log-dropped">{channel.error}</span> : null}
        {ended ? (
          <span className="log-status-actions">
            <Button tone="primary" onClick={onReconnect}>
              Reconnect
            </Button>
          </span>
        ) : null}
      </div>
    </div>
  );
}
