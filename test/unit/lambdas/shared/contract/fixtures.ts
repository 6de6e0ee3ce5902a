import type {
  UserCreatedEventInput,
  UserPayloadInput,
} from '../../../../../lambdas/shared/contract/index.js';

type Overrides = Record<string, unknown>;

/** A randomuser.me-shaped user, as the tutorial's format_data() produced it. */
const SAMPLE_USER_PAYLOAD = {
  id: '5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f',
  first_name: 'Louis',
  last_name: 'Ross',
  gender: 'male',
  address: '6524 Grafton Street, Ballina, Laois, Ireland',
  post_code: '93451',
  email: 'louis.ross@example.com',
  username: 'purpleswan123',
  dob: '1993-07-20T09:44:18.674Z',
  registered_date: '2009-12-17T06:21:19.520Z',
  phone: '041-917-8541',
  picture: 'https://randomuser.me/api/portraits/men/75.jpg',
} satisfies UserPayloadInput;

/** Overrides may break the contract on purpose; the static type stays that of the valid sample. */
export function sampleUserPayload(overrides: Overrides = {}): typeof SAMPLE_USER_PAYLOAD {
  return { ...SAMPLE_USER_PAYLOAD, ...overrides } as typeof SAMPLE_USER_PAYLOAD;
}

export function sampleEvent(overrides: Overrides = {}, payloadOverrides: Overrides = {}) {
  const event = {
    event_id: '0b9f5c1a-2d3e-4f60-8a7b-9c8d7e6f5a4b',
    event_type: 'user.created',
    schema_version: 1,
    source: 'ingest-pull',
    occurred_at: '2024-05-01T12:00:00.000Z',
    ingested_at: '2024-05-01T12:00:01.250Z',
    payload: sampleUserPayload(payloadOverrides),
  } satisfies Record<keyof UserCreatedEventInput, unknown>;
  return { ...event, ...overrides } as typeof event;
}

/** Every string at its maximum length, made of characters JSON must escape as \u00XX (6 bytes each). */
export function worstCaseSizeEvent() {
  const escaped = (length: number) => '\u0001'.repeat(length);
  return sampleEvent(
    { source: `s${'x'.repeat(63)}`, occurred_at: '2024-05-01T12:00:00.12345678901234+02:00' },
    {
      first_name: escaped(200),
      last_name: escaped(200),
      gender: escaped(100),
      address: escaped(500),
      post_code: escaped(32),
      email: `${'e'.repeat(64)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(58)}`,
      username: escaped(100),
      phone: escaped(64),
      picture: `https://example.com/${'"'.repeat(2048 - 20)}`,
      dob: '1993-07-20T09:44:18.12345678901234+02:00',
      registered_date: '2009-12-17T06:21:19.12345678901234+02:00',
    },
  );
}

/** A user.deleted event as a producer writes it (overrides may break the contract on purpose). */
export function sampleDeletion(overrides: Overrides = {}, payloadOverrides: Overrides = {}) {
  return {
    event_id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    event_type: 'user.deleted',
    schema_version: 1,
    source: 'ingest-http',
    occurred_at: '2024-05-02T12:00:00.000Z',
    ingested_at: '2024-05-02T12:00:00.000Z',
    payload: { id: SAMPLE_USER_PAYLOAD.id, reason: 'user_request', ...payloadOverrides },
    ...overrides,
  };
}
