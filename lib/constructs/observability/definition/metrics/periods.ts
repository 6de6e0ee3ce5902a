/** Period of every dashboard graph and alarm on application metrics, seconds. */
export const METRIC_PERIOD_SECONDS = 60;
/** Period of slow-moving resource metrics (RDS, MSK, MWAA), seconds. */
export const RESOURCE_PERIOD_SECONDS = 300;
