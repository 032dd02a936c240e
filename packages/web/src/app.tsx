/** Session gate, then the shell with the page the path names. */
import { Component, type ErrorInfo, type ReactNode, Suspense } from 'react';
import { SessionProvider, useSession } from './api/session.tsx';
import { PAGES } from './pages/registry.ts';
import { LoginPage, SetupPage } from './pages/sign-in.tsx';
import { matchPath, useLocation } from './router.tsx';
import { Empty, ErrorBox } from './ui/controls.tsx';
import { FeedbackProvider } from './ui/feedback.tsx';
import { Shell } from './ui/layout.tsx';
import { useTheme } from './ui/theme.ts';

/** A page that throws (or whose code cannot be loaded) shows why instead of blanking the console. */
class PageBoundary extends Component<{ path: string; children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {};
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidUpdate(previous: { path: string }) {
    if (previous.path !== this.props.path && this.state.error) this.setState({ error: undefined });
  }
  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('page failed', error, info.componentStack);
  }
  override render() {
    if (this.state.error)
      return (
        <ErrorBox
          title="This page failed"
          error={
            new Error(
              `${this.state.error.message} — reload the page; if it persists, report it with the browser console's output`,
            )
          }
        />
      );
    return this.props.children;
  }
}

function CurrentPage() {
  const { path } = useLocation();
  const session = useSession();
  for (const entry of PAGES) {
    const params = matchPath(entry.path, path);
    if (!params) continue;
    if (entry.permission && !session.can(entry.permission))
      return (
        <ErrorBox
          error={
            new Error(
              `this page needs the ${entry.permission} permission — ask an admin for a role that has it`,
            )
          }
        />
      );
    const Page = entry.component;
    return (
      <PageBoundary path={path}>
        <Suspense fallback={<Empty>Loading…</Empty>}>
          <Page params={params} />
        </Suspense>
      </PageBoundary>
    );
  }
  return <Empty>No page at {path}.</Empty>;
}

function Gate() {
  const session = useSession();
  useTheme();
  switch (session.state.phase) {
    case 'loading':
      return <Empty>Connecting to the console…</Empty>;
    case 'unreachable':
      return <ErrorBox title="The console did not answer" error={new Error(session.state.message)} />;
    case 'setup':
      return <SetupPage />;
    case 'signed-out':
      return <LoginPage />;
    case 'signed-in':
      return (
        <Shell>
          <CurrentPage />
        </Shell>
      );
  }
}

export function App() {
  return (
    <SessionProvider>
      <FeedbackProvider>
        <Gate />
      </FeedbackProvider>
    </SessionProvider>
  );
}
