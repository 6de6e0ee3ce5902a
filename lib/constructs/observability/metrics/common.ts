import { Duration } from 'aws-cdk-lib';

/** Period of every dashboard graph and alarm. */
export const METRIC_PERIOD = Duration.minutes(1);
/** Period of slow-moving resource metrics (RDS, MSK). */
export const RESOURCE_PERIOD = Duration.minutes(5);
