/** The state of a realtime channel in words a user reads: live, connecting, closed, failed (and why). */
import type { SocketState } from '../../api/hooks.ts';

const WORDS: Record<SocketState, { text: string; tone: string }> = {
  connecting: { text: 'connecting', tone: 'warn' },
  open: { text: 'live', tone: 'ok' },
  closed: { text: 'closed', tone: 'muted' },
  error: { text: 'failed', tone: 'bad' },
};

export function ChannelStatus({ state, error }: { state: SocketState; error: string | undefined }) {
  const { text, tone } = WORDS[state];
  return (
    <span className="channel-status">
      <span className={`badge badge-${tone}`}>{text}</span>
      {error ? <span className="engine-error">{error}</span> : null}
      {state === 'closed' || state === 'error' ? (
        <span className="muted">reload the page to reconnect</span>
      ) : null}
    </span>
  );
}
