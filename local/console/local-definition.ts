import { loadStageConfig } from '../../bin/config/index.js';
import { pipelineDashboard } from '../../lib/constructs/observability/definition/dashboard.js';
import type { DashboardProps } from '../../lib/constructs/observability/definition/props.js';
import type { DashboardSpec } from '../../lib/constructs/observability/definition/types.js';

/** Names the local runtime gives the functions, the API and the MSK bridge (its "event source mapping"). */
export const LOCAL_NAMES = {
  api: { apiName: 'local', stageName: 'local' },
  functions: { ingestHttp: 'ingest-http', ingestPull: 'ingest-pull', processor: 'processor' },
  mapping: { functionName: 'processor', uuid: 'local-msk-bridge' },
} as const;

/**
 * The dashboard definition of the local mirror: the `local` stage's thresholds, the local function names,
 * the MSK bridge as the mapping. No SQS queues, RDS, Keyspaces, MSK or MWAA here, so their rows are absent
 * (the README's prod picture shows them).
 */
export function localDashboard(options: {
  readonly sinks: readonly string[];
  readonly failureTopicName?: string;
}): DashboardSpec {
  const config = loadStageConfig('local');
  const props: DashboardProps = {
    stageName: config.stageName,
    api: LOCAL_NAMES.api,
    functions: LOCAL_NAMES.functions,
    sinks: options.sinks,
    deadLetterQueues: [],
    mapping: {
      ...LOCAL_NAMES.mapping,
      ...(options.failureTopicName ? { failureTopicName: options.failureTopicName } : {}),
    },
    offsetLagThreshold: config.observability.offsetLagThreshold,
    endToEndLatencyP99ThresholdMs: config.observability.endToEndLatencyP99ThresholdMs,
  };
  return pipelineDashboard(props);
}
