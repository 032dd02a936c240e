/** Small building blocks every page uses: buttons, badges, fields, tabs, progress, errors. */
import type { ComponentPropsWithRef, InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';
import { useId } from 'react';
import { ApiError } from '../api/client.ts';

type Tone = 'primary' | 'danger' | 'plain';

export function Button({
  tone = 'plain',
  busy = false,
  className,
  children,
  disabled,
  ...rest
}: ComponentPropsWithRef<'button'> & { tone?: Tone; busy?: boolean }) {
  return (
    <button
      type="button"
      className={`button button-${tone}${className ? ` ${className}` : ''}`}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy ? <span className="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}

const STATE_TONES: Record<string, string> = {
  running: 'ok',
  up: 'ok',
  healthy: 'ok',
  ready: 'ok',
  active: 'ok',
  enabled: 'ok',
  success: 'ok',
  paused: 'warn',
  restarting: 'warn',
  created: 'muted',
  connecting: 'warn',
  starting: 'warn',
  exited: 'muted',
  dead: 'bad',
  down: 'bad',
  failure: 'bad',
  denied: 'bad',
  unhealthy: 'bad',
  removing: 'warn',
};

/** A coloured pill for a state word (running, exited, up, down, denied…). */
export function StateBadge({ state }: { state: string | undefined }) {
  const word = state ?? 'unknown';
  return <span className={`badge badge-${STATE_TONES[word.toLowerCase()] ?? 'muted'}`}>{word}</span>;
}

export function Field({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: ReactNode;
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint ? <div className="field-hint">{hint}</div> : null}
    </div>
  );
}

export function TextField({
  label,
  hint,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode }) {
  return (
    <Field label={label} hint={hint}>
      {(id) => <input id={id} {...input} />}
    </Field>
  );
}

export function SelectField({
  label,
  hint,
  options,
  ...select
}: SelectHTMLAttributes<HTMLSelectElement> & {
  label: string;
  hint?: ReactNode;
  options: readonly (string | { value: string; label: string })[];
}) {
  return (
    <Field label={label} hint={hint}>
      {(id) => (
        <select id={id} {...select}>
          {options.map((option) => {
            const { value, label: text } =
              typeof option === 'string' ? { value: option, label: option } : option;
            return (
              <option key={value} value={value}>
                {text}
              </option>
            );
          })}
        </select>
      )}
    </Field>
  );
}

/** The server's message, and for a 403 the permission that is missing. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const permission =
    error instanceof ApiError ? (error.details?.permission as string | undefined) : undefined;
  return (
    <div className="error-box" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {message}
      {permission ? (
        <div className="error-hint">
          Missing permission: {permission} — ask an admin for a role that has it.
        </div>
      ) : null}
    </div>
  );
}

/** 0-100 with a label; `indeterminate` when the total is unknown. */
export function ProgressBar({ percent, label }: { percent: number | undefined; label?: string }) {
  const known = percent !== undefined && Number.isFinite(percent);
  const value = known ? Math.max(0, Math.min(100, percent)) : undefined;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value}
      aria-label={label}
    >
      <div
        className={`progress-fill${known ? '' : ' progress-indeterminate'}`}
        style={known ? { width: `${value}%` } : undefined}
      />
    </div>
  );
}

export function Tabs<T extends string>({
  tabs,
  current,
  onChange,
}: {
  tabs: readonly { id: T; label: string }[];
  current: T;
  onChange: (id: T) => void;
}) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map((tab) => (
        <button
          type="button"
          role="tab"
          key={tab.id}
          aria-selected={tab.id === current}
          className={tab.id === current ? 'tab tab-current' : 'tab'}
          onClick={() => onChange(tab.id)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle ? <div className="page-subtitle">{subtitle}</div> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** Bytes as B / KiB / MiB / GiB with one decimal. */
export function formatBytes(bytes: number | undefined | null): string {
  if (bytes === undefined || bytes === null || !Number.isFinite(bytes)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** A time (ms since the epoch, or seconds when `seconds`) as local date and time. */
export function formatTime(value: number | string | undefined | null, seconds = false): string {
  if (value === undefined || value === null || value === '') return '—';
  const date = typeof value === 'string' ? new Date(value) : new Date(seconds ? value * 1000 : value);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleString();
}

/** The first 12 characters of an id, without `sha256:`. */
export function shortId(id: string | undefined): string {
  return (id ?? '').replace(/^sha256:/, '').slice(0, 12);
}
