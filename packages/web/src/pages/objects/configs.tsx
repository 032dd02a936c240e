/** Configs: the swarm's configs, with their content readable. */
import { SwarmDataPage } from './swarm-data-page.tsx';

export default function ConfigsPage() {
  return <SwarmDataPage kind="configs" />;
}
