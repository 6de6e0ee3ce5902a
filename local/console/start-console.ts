import { PROCESSOR_SINK_NAMES } from '../../lambdas/processor/sinks/index.js';
import { mappingDimensions } from '../../lib/constructs/observability/definition/metrics/lambda.js';
import { LocalConsole } from './local-console.js';
import { LOCAL_NAMES, localDashboard } from './local-definition.js';

/** The dimensions Lambda gives the processor mapping's metrics (OffsetLag, OnFailureDestination…). */
export const LOCAL_MAPPING_DIMENSIONS: Readonly<Record<string, string>> = mappingDimensions(
  LOCAL_NAMES.mapping.functionName,
  LOCAL_NAMES.mapping.uuid,
);

/**
 * The console `npm start` serves: the local dashboard definition (with the failure-path row of the bridge's
 * failure topic), CloudWatch minutes lasting `periodSeconds`.
 */
export function createLocalConsole(periodSeconds: number, failureTopicName?: string): LocalConsole {
  return new LocalConsole({
    definition: localDashboard({
      sinks: PROCESSOR_SINK_NAMES,
      ...(failureTopicName ? { failureTopicName } : {}),
    }),
    periodScale: periodSeconds / 60,
    api: LOCAL_NAMES.api,
    offsetLagDimensions: LOCAL_MAPPING_DIMENSIONS,
  });
}

/** The handler counted by the console's local Lambda metrics, or as is when the console is off. */
export function watchFunction<E, C, R>(
  console: LocalConsole | undefined,
  functionName: string,
  handler: (event: E, context: C) => Promise<R>,
): (event: E, context: C) => Promise<R> {
  return console ? console.services.lambda(functionName, handler) : handler;
}
