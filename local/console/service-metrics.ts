import type { MetricDatum } from './emf.js';

type AsyncHandler<E, C, R> = (event: E, context: C) => Promise<R>;

/**
 * What AWS publishes about the functions themselves (AWS/Lambda, AWS/ApiGateway), published by the local
 * runtime that plays Lambda and API Gateway: invocations, errors, duration, concurrency, requests by status,
 * and the processor mapping's OffsetLag.
 */
export class LocalServiceMetrics {
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly sink: (datum: MetricDatum) => void,
    private readonly api: { readonly apiName: string; readonly stageName: string },
  ) {}

  private emit(
    namespace: string,
    metricName: string,
    dimensions: Record<string, string>,
    value: number,
  ): void {
    this.sink({ namespace, metricName, dimensions, timestamp: Date.now(), values: [value] });
  }

  /** The handler, counted as Lambda counts its invocations (an Error is a thrown handler). */
  lambda<E, C, R>(functionName: string, handler: AsyncHandler<E, C, R>): AsyncHandler<E, C, R> {
    const dimensions = { FunctionName: functionName };
    return async (event, context) => {
      const running = (this.inFlight.get(functionName) ?? 0) + 1;
      this.inFlight.set(functionName, running);
      this.emit('AWS/Lambda', 'ConcurrentExecutions', dimensions, running);
      const started = performance.now();
      let failed = false;
      try {
        return await handler(event, context);
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        this.inFlight.set(functionName, (this.inFlight.get(functionName) ?? 1) - 1);
        this.emit('AWS/Lambda', 'Invocations', dimensions, 1);
        this.emit('AWS/Lambda', 'Errors', dimensions, failed ? 1 : 0);
        this.emit('AWS/Lambda', 'Duration', dimensions, performance.now() - started);
      }
    };
  }

  /** One API request answered with `statusCode` after `latencyMs`, as API Gateway counts it. */
  apiRequest(statusCode: number, latencyMs: number): void {
    const dimensions = { ApiName: this.api.apiName, Stage: this.api.stageName };
    this.emit('AWS/ApiGateway', 'Count', dimensions, 1);
    this.emit('AWS/ApiGateway', '4XXError', dimensions, statusCode >= 400 && statusCode < 500 ? 1 : 0);
    this.emit('AWS/ApiGateway', '5XXError', dimensions, statusCode >= 500 ? 1 : 0);
    this.emit('AWS/ApiGateway', 'Latency', dimensions, latencyMs);
    this.emit('AWS/ApiGateway', 'IntegrationLatency', dimensions, latencyMs);
  }

  /** The mapping's lag (records behind the end of the topic, max over partitions), as Lambda publishes it. */
  offsetLag(dimensions: Record<string, string>, lag: number): void {
    this.emit('AWS/Lambda', 'OffsetLag', dimensions, lag);
  }

  /** Records the mapping wrote to its failure topic, as Lambda counts OnFailureDestinationDeliveredEventCount. */
  failureDestinationDelivered(dimensions: Record<string, string>, records: number): void {
    this.emit('AWS/Lambda', 'OnFailureDestinationDeliveredEventCount', dimensions, records);
  }
}
