/**
 * The frame around every signed-in page: a sidebar of sections (a drawer below 800 px), the engine
 * picker, the theme switch and the user menu.
 */
import { type ReactNode, useEffect, useState } from 'react';
import { useSession } from '../api/session.tsx';
import { PAGES } from '../pages/registry.ts';
import { Link, useLocation } from '../router.tsx';
import { StateBadge } from './controls.tsx';
import { type Theme, useTheme } from './theme.ts';

export function Shell({ children }: { children: ReactNode }) {
  const session = useSession();
  const { path } = useLocation();
  const [theme, setTheme] = useTheme();
  const [drawer, setDrawer] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the drawer closes whenever the path changes
  useEffect(() => setDrawer(false), [path]);
  const groups = new Map<string, typeof PAGES>();
  for (const page of PAGES) {
    if (!page.nav || (page.permission && !session.can(page.permission))) continue;
    groups.set(page.nav.group, [...(groups.get(page.nav.group) ?? []), page]);
  }
  const current = session.engines.find((engine) => engine.id === session.engine);
  return (
    <div className={`shell${drawer ? ' drawer-open' : ''}`}>
      <aside className="sidebar" aria-label="sections">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          Gantry
        </div>
        <nav>
          {[...groups].map(([group, pages]) => (
            <div key={group} className="nav-group">
              <div className="nav-group-title">{group}</div>
              {pages.map((page) => {
                const href = page.nav?.href ?? page.path;
                const active = path === href || (href !== '/' && path.startsWith(`${href}/`));
                return (
                  <Link
                    key={href}
                    href={href}
                    className={active ? 'nav-link nav-active' : 'nav-link'}
                    aria-current={active ? 'page' : undefined}
                  >
                    {page.nav?.label}
                  </Link>
                );
              })}
            </div>
          ))}
        </nav>
      </aside>
      <div className="main">
        <header className="topbar">
          <button
            type="button"
            className="drawer-toggle"
            aria-label="menu"
            onClick={() => setDrawer(!drawer)}
          >
            ☰
          </button>
          <label className="engine-picker">
            <span className="visually-hidden">engine</span>
            <select
              aria-label="engine"
              value={session.engine ?? ''}
              onChange={(event) => session.selectEngine(event.target.value)}
            >
              {session.engines.map((engine) => (
                <option key={engine.id} value={engine.id}>
                  {engine.name}
                </option>
              ))}
            </select>
            {current ? <StateBadge state={current.status.state} /> : null}
          </label>
          <div className="topbar-spacer" />
          <select
            aria-label="theme"
            value={theme}
            onChange={(event) => setTheme(event.target.value as Theme)}
          >
            <option value="system">System theme</option>
            <option value="dark">Dark</option>
            <option value="light">Light</option>
          </select>
          <Link href="/profile" className="user-link">
            {session.me?.user?.username ?? session.me?.token?.name}
          </Link>
          <button type="button" className="button button-plain" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </header>
        <main className="content" id="content">
          {children}
        </main>
      </div>
    </div>
  );
}
