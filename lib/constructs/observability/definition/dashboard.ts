import type { DashboardProps } from './props.js';
import { failurePathSegment } from './segments/failure-path.js';
import { ingestionSegment } from './segments/ingestion.js';
import { orchestrationSegment } from './segments/orchestration.js';
import { processorSegment } from './segments/processor.js';
import { storesSegment } from './segments/stores.js';
import { streamSegment } from './segments/stream.js';
import type { DashboardSpec, SegmentSpec } from './types.js';

/** Segments in the order data flows through the pipeline. */
const SEGMENTS = [
  ingestionSegment,
  streamSegment,
  processorSegment,
  failurePathSegment,
  storesSegment,
  orchestrationSegment,
] as const;

/**
 * The one dashboard definition: the CDK renderer draws it in CloudWatch, the local console in a browser.
 */
export function pipelineDashboard(props: DashboardProps): DashboardSpec {
  return {
    name: `realtime-user-pipeline-${props.stageName}`,
    segments: SEGMENTS.map((build) => build(props)).filter((s): s is SegmentSpec => s !== undefined),
  };
}
