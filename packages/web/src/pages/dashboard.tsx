import { PageHeader } from '../ui/controls.tsx';

export default function Dashboard() {
  return <PageHeader title="Dashboard" />;
}
