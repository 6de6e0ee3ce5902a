/** CloudWatch namespace of every custom metric the pipeline's Lambdas emit (EMF); the dashboards use it too. */
export const PIPELINE_METRICS_NAMESPACE = 'RealtimeUserPipeline';
