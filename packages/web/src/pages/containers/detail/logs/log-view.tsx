/**
 * The scrolling log pane: only the rows in view (plus a margin) are in the DOM, each absolutely
 * placed at `index × LINE_HEIGHT`, so 5,000 held lines cost ~80 nodes. Following keeps the newest
 * line in view; scrolling up (wheel, keys, scrollbar) pauses following and scrolling back to the
 * bottom resumes it. While paused, lines leaving the ring at the top shift the view up so the
 * lines being read stay put.
 */
import {
  type KeyboardEvent,
  type ReactNode,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type WheelEvent,
} from 'react';
import type { HeldLine, LineRing } from './line-ring.ts';

/** Pixels per row (the CSS gives .log-row the same height and line-height). */
export const LINE_HEIGHT = 20;
const OVERSCAN = 20;

export function LogView({
  ring,
  version,
  follow,
  onFollowChange,
  renderLine,
  label,
}: {
  ring: LineRing;
  /** Bumped whenever the ring changed (at most once per animation frame). */
  version: number;
  follow: boolean;
  onFollowChange: (follow: boolean) => void;
  renderLine: (line: HeldLine) => ReactNode;
  label: string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);
  const shownEvicted = useRef(ring.evicted);
  /** Where following last put scrollTop: a scroll event above it came from the user. */
  const followTop = useRef(0);

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewport(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const total = ring.length * LINE_HEIGHT;
  const bottom = Math.max(0, total - viewport);
  const top = follow ? bottom : Math.min(scrollTop, bottom);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the ring changing
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const shifted = ring.evicted - shownEvicted.current;
    shownEvicted.current = ring.evicted;
    if (follow) {
      element.scrollTop = bottom;
      followTop.current = element.scrollTop;
    } else if (shifted > 0) {
      element.scrollTop = Math.max(0, element.scrollTop - shifted * LINE_HEIGHT);
    }
  }, [version, follow, bottom, ring]);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    const position = element.scrollTop;
    const atBottom = position >= element.scrollHeight - element.clientHeight - 2;
    if (follow && !atBottom && position < followTop.current - 1) onFollowChange(false);
    else if (!follow && atBottom && ring.length * LINE_HEIGHT > element.clientHeight) onFollowChange(true);
    setScrollTop(position);
  };

  // Wheel and keys pause at once: a scroll event may come only after following moved the view back.
  const onWheel = (event: WheelEvent<HTMLDivElement>) => {
    if (follow && event.deltaY < 0) onFollowChange(false);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (follow && ['ArrowUp', 'PageUp', 'Home'].includes(event.key)) onFollowChange(false);
  };

  const first = Math.max(0, Math.floor(top / LINE_HEIGHT) - OVERSCAN);
  const last = Math.min(ring.length, Math.ceil((top + viewport) / LINE_HEIGHT) + OVERSCAN);
  const rows: ReactNode[] = [];
  for (let index = first; index < last; index++) {
    const line = ring.at(index);
    if (!line) continue;
    rows.push(
      <div
        key={line.seq}
        className={`log-line log-row${line.stream === 'stderr' ? ' log-stderr' : ''}`}
        style={{ top: index * LINE_HEIGHT }}
      >
        {renderLine(line)}
      </div>,
    );
  }
  return (
    <div
      ref={scroller}
      className="log-view log-pane"
      role="log"
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the pane scrolls with the keyboard
      tabIndex={0}
      onScroll={onScroll}
      onWheel={onWheel}
      onKeyDown={onKeyDown}
    >
      <div className="log-rows" style={{ height: total }}>
        {rows}
      </div>
    </div>
  );
}
