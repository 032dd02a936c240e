import { PageHeader } from '../ui/controls.tsx';

export default function Profile() {
  return <PageHeader title="Profile" />;
}
