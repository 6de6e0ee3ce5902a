import type { VerifyCheck } from '../check.js';
import { checkCleanup } from './cleanup.js';
import { checkDeployment } from './deployment.js';
import { checkFailurePath } from './failure-path.js';
import { checkPull, checkPush } from './ingestion.js';
import { checkObservability } from './observability.js';
import { checkOrchestration } from './orchestration.js';
import { checkPoison, checkStores } from './stores.js';

/**
 * The checks of `npm run verify`, in order; each failing one names its runbook entry (docs/runbook.md). The
 * same list runs against AWS and against the local mirror: only the ports differ.
 */
export const VERIFY_CHECKS: readonly VerifyCheck[] = [
  { name: 'deployment', runbook: 'verify-deployment', run: checkDeployment },
  { name: 'push', runbook: 'verify-push', run: checkPush },
  { name: 'pull', runbook: 'verify-pull', run: checkPull },
  { name: 'stores', runbook: 'verify-stores', run: checkStores },
  { name: 'poison', runbook: 'verify-poison', run: checkPoison },
  { name: 'failure path', runbook: 'verify-failure-path', run: checkFailurePath },
  { name: 'MWAA', runbook: 'verify-mwaa', run: checkOrchestration },
  { name: 'observability', runbook: 'verify-observability', run: checkObservability },
  { name: 'cleanup', runbook: 'verify-cleanup', run: checkCleanup },
];
