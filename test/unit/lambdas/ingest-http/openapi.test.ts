import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { MAX_USERS_PER_REQUEST } from '../../../../lambdas/ingest-http/api.js';
import {
  buildPushApiOpenApi,
  PUSH_API_OPENAPI_FILE,
  renderPushApiOpenApi,
} from '../../../../lambdas/ingest-http/openapi.js';
import { parseUsersBody } from '../../../../lambdas/ingest-http/users-body.js';
import { usersRequestJsonSchema } from '../../../../lambdas/ingest-http/users-request-schema.js';
import { usersRequestSchema } from '../../../../lib/constructs/ingestion/users-request-model.js';
import { pushApiDocuments } from '../../../../local/runtime/openapi-document.js';
import { sampleUserPayload } from '../shared/contract/fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: the test walks a JSON document by known keys.
type Json = Record<string, any>;
const committedPath = new URL(`../../../../lambdas/ingest-http/${PUSH_API_OPENAPI_FILE}`, import.meta.url);
const committed = () => readFileSync(committedPath, 'utf8');

describe('the committed OpenAPI document', () => {
  it('is what the generator writes (regenerate: npm run generate)', () => {
    expect(committed()).toBe(renderPushApiOpenApi());
  });

  it('says on its first line that it is generated', () => {
    expect(committed().split('\n')[1]).toMatch(/"x-generated": "generated from .*do not edit"/);
  });

  it('is what the local API Gateway adapter serves', () => {
    expect(Object.values(pushApiDocuments())).toEqual([committed()]);
  });
});

describe('the OpenAPI 3.1 document', () => {
  const document = buildPushApiOpenApi() as Json;
  const post = document.paths['/v1/users'].post;

  it('documents every status the push API can return', () => {
    expect(Object.keys(post.responses).sort()).toEqual(
      ['202', '400', '403', '404', '405', '413', '415', '429', '500', '503'].sort(),
    );
    // The stage throttle answers 429 on every route, the health probe included.
    expect(Object.keys(document.paths['/v1/health'].get.responses).sort()).toEqual([
      '200',
      '404',
      '405',
      '429',
      '500',
    ]);
    expect(document.components.responses.TooManyRequests.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/GatewayMessage',
    });
  });

  it('describes errors with the shape the Lambda sends', () => {
    const error = document.components.schemas.ApiError;
    expect(error.properties.error.required).toEqual(['code', 'message', 'request_id', 'issues']);
    expect(error.properties.error.properties.code.enum).toContain('validation_failed');
  });

  it('has the request schema the API Gateway model is rendered from', () => {
    expect(document.components.schemas.UsersRequest).toEqual(usersRequestJsonSchema('draft-2020-12'));
    const { schema: dialect, ...model } = usersRequestSchema() as Json;
    expect(dialect).toBe('http://json-schema.org/draft-04/schema#');
    expect(model).toEqual(usersRequestJsonSchema('draft-04'));
  });
});

describe('the request schema agrees with parseUsersBody', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(usersRequestJsonSchema('draft-2020-12'));
  const user = sampleUserPayload();
  const bodies: Record<string, unknown> = {
    'one user': user,
    'a batch of two': { users: [user, sampleUserPayload({ id: '6d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f' })] },
    'a numeric post code': sampleUserPayload({ post_code: 1234 }),
    'a bare array': [user],
    'an empty batch': { users: [] },
    'a batch over the limit': { users: Array.from({ length: MAX_USERS_PER_REQUEST + 1 }, () => user) },
    'a batch with another field': { users: [user], extra: 1 },
    'a user with an unknown field': sampleUserPayload({ nickname: 'x' }),
    'a user without an email': { ...user, email: undefined },
    'a user with a bad id': sampleUserPayload({ id: 'not-a-uuid' }),
    'a user with a negative post code': sampleUserPayload({ post_code: -1 }),
    'a batch with one bad user': { users: [user, sampleUserPayload({ dob: 'yesterday' })] },
  };

  it.each(Object.entries(bodies))('%s', (_, body) => {
    const parsed = parseUsersBody(JSON.stringify(body), false);
    expect(validate(JSON.parse(JSON.stringify(body)))).toBe(parsed.ok);
  });
});
