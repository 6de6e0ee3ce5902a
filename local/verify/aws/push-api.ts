import { APIGatewayClient, GetApiKeyCommand } from '@aws-sdk/client-api-gateway';
import type { ApiAuthMode } from '../../../lib/config/stage-settings.js';
import { API_KEY_HEADER } from '../../runtime/api-gateway-access.js';
import type { HttpAnswer, PushApi } from '../ports.js';
import { signedFetch } from './sigv4.js';

/** One request to the ingestion API: a method, a path under the stage URL and an optional JSON body. */
type ApiRequest = (method: 'POST' | 'DELETE', path: string, body?: unknown) => Promise<HttpAnswer>;

/** `POST /v1/users` and `DELETE /v1/users/{id}` over one authenticated request function. */
export function pushApiOver(request: ApiRequest): PushApi {
  return {
    postUsers: (body) => request('POST', '/v1/users', body),
    deleteUser: (userId) => request('DELETE', `/v1/users/${encodeURIComponent(userId)}`),
  };
}

/** The ingestion API of a deployed stage, authenticated as the stage's clients are. */
export async function deployedPushApi(options: {
  readonly apiUrl: string;
  readonly auth: ApiAuthMode;
  readonly region: string;
  readonly apiKeyId?: string;
}): Promise<PushApi> {
  const base = options.apiUrl.replace(/\/$/, '');
  if (options.auth === 'iam') {
    return pushApiOver(async (method, path, body) => {
      const answer = await signedFetch({
        service: 'execute-api',
        region: options.region,
        method,
        url: `${base}${path}`,
        ...(body === undefined ? {} : { body }),
      });
      return { status: answer.status, body: answer.text };
    });
  }
  // The key's value from API Gateway (GetApiKey includeValue), as a client would be handed it.
  const { value } = await new APIGatewayClient({ region: options.region }).send(
    new GetApiKeyCommand({ apiKey: options.apiKeyId, includeValue: true }),
  );
  return keyedPushApi(base, value ?? '');
}

/** The ingestion API behind an API key (`x-api-key`), as API Gateway's apiKey mode and the local mirror take it. */
export function keyedPushApi(baseUrl: string, apiKey: string | undefined): PushApi {
  return pushApiOver(async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(apiKey === undefined ? {} : { [API_KEY_HEADER]: apiKey }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.text() };
  });
}
