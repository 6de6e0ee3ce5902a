import type { MetricRecorder } from './metric-inbox.js';

type AsyncHandler<E, C, R> = (event: E, context: C) => Promise<R>;

/** Resolves a metric to its recorder once; the local runtime then records values without a lookup. */
export type RecorderFactory = (
  namespace: string,
  metricName: string,
  dimensions: Readonly<Record<string, string>>,
) => MetricRecorder;

/**
 * What AWS publishes about the functions themselves (AWS/Lambda, AWS/ApiGateway), published by the local
 * runtime that plays Lambda and API Gateway: invocations, errors, duration, concurrency, requests by status,
 * and the processor mapping's OffsetLag.
 */
export class LocalServiceMetrics {
  private readonly inFlight = new Map<string, number>();
  private readonly api: Readonly<
    Record<'count' | 'clientErrors' | 'serverErrors' | 'latency' | 'integrationLatency', MetricRecorder>
  >;

  constructor(
    private readonly recorderOf: RecorderFactory,
    api: { readonly apiName: string; readonly stageName: string },
  ) {
    const dimensions = { ApiName: api.apiName, Stage: api.stageName };
    const of = (metricName: string) => recorderOf('AWS/ApiGateway', metricName, dimensions);
    this.api = {
      count: of('Count'),
      clientErrors: of('4XXError'),
      serverErrors: of('5XXError'),
      latency: of('Latency'),
      integrationLatency: of('IntegrationLatency'),
    };
  }

  /** The handler, counted as Lambda counts its invocations (an Error is a thrown handler). */
  lambda<E, C, R>(functionName: string, handler: AsyncHandler<E, C, R>): AsyncHandler<E, C, R> {
    const dimensions = { FunctionName: functionName };
    const of = (metricName: string) => this.recorderOf('AWS/Lambda', metricName, dimensions);
    const [concurrency, invocations, errors, duration] = [
      of('ConcurrentExecutions'),
      of('Invocations'),
      of('Errors'),
      of('Duration'),
    ];
    return async (event, context) => {
      const running = (this.inFlight.get(functionName) ?? 0) + 1;
      this.inFlight.set(functionName, running);
      concurrency(running);
      const started = performance.now();
      let failed = false;
      try {
        return await handler(event, context);
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        this.inFlight.set(functionName, (this.inFlight.get(functionName) ?? 1) - 1);
        invocations(1);
        errors(failed ? 1 : 0);
        duration(performance.now() - started);
      }
    };
  }

  /** One API request answered with `statusCode` after `latencyMs`, as API Gateway counts it. */
  apiRequest(statusCode: number, latencyMs: number): void {
    this.api.count(1);
    this.api.clientErrors(statusCode >= 400 && statusCode < 500 ? 1 : 0);
    this.api.serverErrors(statusCode >= 500 ? 1 : 0);
    this.api.latency(latencyMs);
    this.api.integrationLatency(latencyMs);
  }

  /** The mapping's lag (records behind the end of the topic, max over partitions), as Lambda publishes it. */
  offsetLag(dimensions: Record<string, string>, lag: number): void {
    this.recorderOf('AWS/Lambda', 'OffsetLag', dimensions)(lag);
  }

  /** Records the mapping wrote to its failure topic, as Lambda counts OnFailureDestinationDeliveredEventCount. */
  failureDestinationDelivered(dimensions: Record<string, string>, records: number): void {
    this.recorderOf('AWS/Lambda', 'OnFailureDestinationDeliveredEventCount', dimensions)(records);
  }
}
