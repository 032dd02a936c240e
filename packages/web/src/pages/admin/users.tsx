import { PageHeader } from '../../ui/controls.tsx';

/** Placeholder until its helper fills it in. */
export default function Page() {
  return <PageHeader title="Users" />;
}
