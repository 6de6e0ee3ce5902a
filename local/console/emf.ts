/**
 * Embedded Metric Format (EMF) lines → metric data, as CloudWatch Logs extracts them from a Lambda's log
 * stream. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */

/** Values of one metric under one dimension set at one time. */
export interface MetricDatum {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly timestamp: number;
  readonly values: readonly number[];
}

interface EmfDirective {
  readonly Namespace: string;
  readonly Dimensions: readonly (readonly string[])[];
  readonly Metrics: readonly { readonly Name: string }[];
}

interface EmfDocument {
  readonly _aws?: { readonly Timestamp?: number; readonly CloudWatchMetrics?: readonly EmfDirective[] };
  readonly [member: string]: unknown;
}

/** Cheap test before parsing: every EMF document Powertools writes starts with its `_aws` member. */
export function looksLikeEmf(line: string): boolean {
  return line.startsWith('{"_aws"');
}

/** The metric data of one log line; none when the line is not an EMF document. */
export function parseEmf(line: string): MetricDatum[] {
  let document: EmfDocument;
  try {
    document = JSON.parse(line) as EmfDocument;
  } catch {
    return [];
  }
  const aws = document._aws;
  if (!aws?.CloudWatchMetrics || typeof aws.Timestamp !== 'number') return [];
  const data: MetricDatum[] = [];
  for (const directive of aws.CloudWatchMetrics) {
    for (const dimensionSet of directive.Dimensions) {
      const dimensions = dimensionValues(document, dimensionSet);
      if (!dimensions) continue;
      for (const { Name } of directive.Metrics) {
        const values = numbers(document[Name]);
        if (values.length === 0) continue;
        data.push({
          namespace: directive.Namespace,
          metricName: Name,
          dimensions,
          timestamp: aws.Timestamp,
          values,
        });
      }
    }
  }
  return data;
}

/** The dimension set's values from the document's root members; undefined when one is missing (as CloudWatch skips it). */
function dimensionValues(
  document: EmfDocument,
  names: readonly string[],
): Record<string, string> | undefined {
  const dimensions: Record<string, string> = {};
  for (const name of names) {
    const value = document[name];
    if (typeof value !== 'string') return undefined;
    dimensions[name] = value;
  }
  return dimensions;
}

function numbers(member: unknown): number[] {
  const candidates = Array.isArray(member) ? member : [member];
  return candidates.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}
