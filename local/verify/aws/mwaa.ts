/**
 * Amazon MWAA's GetEnvironment and InvokeRestApi (API version 2020-07-01, REST-JSON, signing name `airflow`;
 * shapes as botocore's service model defines them), signed requests to the environment's regional endpoints.
 */
import type { RestAnswer, RestCall, RestTransport } from '../airflow-rest.js';
import { signedFetch } from './sigv4.js';

/** The GetEnvironment fields verify reads. */
export interface MwaaEnvironment {
  readonly Name?: string;
  readonly Status?: string;
  readonly AirflowVersion?: string;
}

/** Thrown when an MWAA operation itself fails (not the Airflow call it carries). */
export class MwaaApiError extends Error {
  override readonly name = 'MwaaApiError';
}

export class MwaaEnvironmentApi {
  constructor(
    private readonly region: string,
    private readonly environmentName: string,
  ) {}

  /** GET /environments/{Name} on api.airflow.<region>.amazonaws.com. */
  async environment(): Promise<MwaaEnvironment> {
    const answer = await signedFetch({
      service: 'airflow',
      region: this.region,
      method: 'GET',
      url: `https://api.airflow.${this.region}.amazonaws.com/environments/${encodeURIComponent(this.environmentName)}`,
    });
    if (answer.status !== 200)
      throw new MwaaApiError(`GetEnvironment answered ${answer.status}: ${answer.text}`);
    return (JSON.parse(answer.text) as { Environment: MwaaEnvironment }).Environment;
  }

  /**
   * InvokeRestApi: POST /restapi/{Name} on env.airflow.<region>.amazonaws.com with { Path, Method, Body }. The
   * Airflow API's own errors come back as RestApiClientException/RestApiServerException (HTTP 400) carrying the
   * Airflow status and body, which are passed on as the answer.
   */
  readonly transport: RestTransport = async (call: RestCall): Promise<RestAnswer> => {
    const answer = await signedFetch({
      service: 'airflow',
      region: this.region,
      method: 'POST',
      url: `https://env.airflow.${this.region}.amazonaws.com/restapi/${encodeURIComponent(this.environmentName)}`,
      body: { Path: call.path, Method: call.method, ...(call.body ? { Body: call.body } : {}) },
    });
    const body = (answer.text ? JSON.parse(answer.text) : {}) as {
      RestApiStatusCode?: number;
      RestApiResponse?: unknown;
      message?: string;
    };
    if (body.RestApiStatusCode !== undefined)
      return { status: body.RestApiStatusCode, body: body.RestApiResponse };
    throw new MwaaApiError(
      `InvokeRestApi ${call.method} ${call.path} answered ${answer.status}: ${answer.text}`,
    );
  };
}
