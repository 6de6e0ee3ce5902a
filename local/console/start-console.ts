import { PROCESSOR_SINK_NAMES } from '../../lambdas/processor/metric-names.js';
import { LocalConsole } from './local-console.js';
import { LOCAL_NAMES, localDashboard } from './local-definition.js';

/** The console `npm start` serves: the local dashboard definition, CloudWatch minutes lasting `periodSeconds`. */
export function createLocalConsole(periodSeconds: number): LocalConsole {
  return new LocalConsole({
    definition: localDashboard({ sinks: PROCESSOR_SINK_NAMES }),
    periodScale: periodSeconds / 60,
    api: LOCAL_NAMES.api,
    offsetLagDimensions: {
      FunctionName: LOCAL_NAMES.mapping.functionName,
      EventSourceMappingUUID: LOCAL_NAMES.mapping.uuid,
    },
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
