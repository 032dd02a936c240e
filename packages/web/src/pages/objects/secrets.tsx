/** Secrets: the swarm's secrets (their values are write-only). */
import { SwarmDataPage } from './swarm-data-page.tsx';

export default function SecretsPage() {
  return <SwarmDataPage kind="secrets" />;
}
