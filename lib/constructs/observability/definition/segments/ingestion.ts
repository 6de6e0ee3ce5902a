import { ApiGatewayMetrics } from '../metrics/api-gateway.js';
import { LambdaFunctionMetrics } from '../metrics/lambda.js';
import { PipelineMetrics } from '../metrics/pipeline.js';
import type { DashboardProps } from '../props.js';
import type { SegmentSpec } from '../types.js';
import { alarm, graph, segment } from './build.js';

const ID = 'ingestion';

/** The API and both ingestion Lambdas: requests, events produced into Kafka, and their failures. */
export function ingestionSegment(props: DashboardProps): SegmentSpec | undefined {
  const api = new ApiGatewayMetrics(props.api.apiName, props.api.stageName);
  const http = new LambdaFunctionMetrics(props.functions.ingestHttp, 'ingest-http');
  const pull = new LambdaFunctionMetrics(props.functions.ingestPull, 'ingest-pull');
  const custom = new PipelineMetrics();
  return segment(
    ID,
    'Ingestion',
    [
      {
        title: 'API Gateway',
        widgets: [
          graph(ID, 'Requests', [api.requests()]),
          graph(ID, 'API errors', [api.clientErrors(), api.serverErrors()]),
          graph(ID, 'API latency', [api.latencyP99(), api.integrationLatencyP99()]),
        ],
      },
      {
        title: 'Ingestion Lambdas',
        widgets: [
          graph(ID, 'Events produced', [custom.httpEventsProduced(), custom.pullEventsProduced()]),
          graph(ID, 'Produce errors', [
            custom.httpProduceFailures(),
            custom.httpValidationFailures(),
            custom.pullFailures(),
            http.errors(),
            pull.errors(),
          ]),
          graph(ID, 'Produce latency', [custom.httpProduceLatencyP99(), http.durationP99()]),
        ],
      },
    ],
    [
      alarm('api-5xx', api.serverErrors(), 0, 'The ingestion API answered 5xx (Kafka unavailable or a bug).'),
      alarm('pull-failures', pull.errors(), 0, 'The scheduled pull failed.', {
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      }),
    ],
  );
}
