import { APIGatewayClient, GetApiKeyCommand } from '@aws-sdk/client-api-gateway';
import type { ApiAuthMode } from '../../../lib/config/stage-settings.js';
import type { HttpAnswer, PushApi } from '../ports.js';
import { signedFetch } from './sigv4.js';

/** The ingestion API of a deployed stage, authenticated as the stage's clients are. */
export async function deployedPushApi(options: {
  readonly apiUrl: string;
  readonly auth: ApiAuthMode;
  readonly region: string;
  readonly apiKeyId?: string;
}): Promise<PushApi> {
  const url = `${options.apiUrl.replace(/\/$/, '')}/v1/users`;
  if (options.auth === 'iam') {
    return {
      postUsers: async (body): Promise<HttpAnswer> => {
        const answer = await signedFetch({
          service: 'execute-api',
          region: options.region,
          method: 'POST',
          url,
          body,
        });
        return { status: answer.status, body: answer.text };
      },
    };
  }
  // The key's value from API Gateway (GetApiKey includeValue), as a client would be handed it.
  const { value } = await new APIGatewayClient({ region: options.region }).send(
    new GetApiKeyCommand({ apiKey: options.apiKeyId, includeValue: true }),
  );
  return {
    postUsers: async (body): Promise<HttpAnswer> => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': value ?? '' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.text() };
    },
  };
}
