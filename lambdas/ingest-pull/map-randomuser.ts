import * as z from 'zod';
import {
  type ContractIssue,
  formatIssuePath,
  parseUserPayload,
  type UserPayload,
  type UserPayloadInput,
} from '../shared/contract/index.js';

/**
 * The part of a randomuser.me result the pipeline reads. Extra fields are ignored (randomuser sends many);
 * the values are checked only for type here, the contract judges them afterwards.
 */
const randomUserResultSchema = z.object({
  gender: z.string(),
  name: z.object({ first: z.string(), last: z.string() }),
  location: z.object({
    street: z.object({ number: z.union([z.number(), z.string()]), name: z.string() }),
    city: z.string(),
    state: z.string(),
    country: z.string(),
    // Numbers for some nationalities (e.g. 93451), strings for others (e.g. "T5K 2N3").
    postcode: z.union([z.string(), z.number()]),
  }),
  email: z.string(),
  login: z.object({ uuid: z.string().optional(), username: z.string() }),
  dob: z.object({ date: z.string() }),
  registered: z.object({ date: z.string() }),
  phone: z.string(),
  picture: z.object({ medium: z.string() }),
  // The nationality the user was generated for (ISO 3166-1 alpha-2); sources older than randomuser 1.0 lack it.
  nat: z.string().optional(),
});

export type RandomUserResult = z.infer<typeof randomUserResultSchema>;

/**
 * The tutorial's format_data(): randomuser.me result → the payload (id chosen by the caller), plus schema v2's
 * nationality from `nat`.
 */
export function formatRandomUser(result: RandomUserResult, id: string): UserPayloadInput {
  const { location } = result;
  const payload: UserPayloadInput = {
    id,
    first_name: result.name.first,
    last_name: result.name.last,
    gender: result.gender,
    address: `${location.street.number} ${location.street.name}, ${location.city}, ${location.state}, ${location.country}`,
    post_code: String(location.postcode),
    email: result.email,
    username: result.login.username,
    dob: result.dob.date,
    registered_date: result.registered.date,
    phone: result.phone,
    picture: result.picture.medium,
  };
  if (result.nat !== undefined) payload.nationality = result.nat;
  return payload;
}

export type MappedRandomUser =
  | {
      readonly ok: true;
      readonly payload: UserPayload;
      /** When the user was created at the source: its registration date. */
      readonly occurredAt: string;
    }
  | {
      readonly ok: false;
      /** `source_shape`: not a randomuser result; `schema_violation`: mapped, but the contract refuses it. */
      readonly reason: 'source_shape' | 'schema_violation';
      /** The user's id when one could be determined, to help find it. */
      readonly userId?: string;
      readonly issues: readonly ContractIssue[];
    };

/**
 * Maps one randomuser.me result and validates it against the contract. The id is the source's
 * `login.uuid` when it has one, so fetching the same seed again yields the same users under the same ids
 * (the stores upsert them, nothing is duplicated); `newId()` is used only when the source gives none.
 * Never throws.
 */
export function mapRandomUser(result: unknown, newId: () => string): MappedRandomUser {
  const source = randomUserResultSchema.safeParse(result);
  if (!source.success) {
    return {
      ok: false,
      reason: 'source_shape',
      ...userIdOf(result),
      issues: source.error.issues.map((issue) => ({
        path: formatIssuePath(issue.path),
        message: issue.message,
      })),
    };
  }
  const id = source.data.login.uuid ?? newId();
  const parsed = parseUserPayload(formatRandomUser(source.data, id));
  if (parsed.ok) return { ok: true, payload: parsed.payload, occurredAt: parsed.payload.registered_date };
  return { ok: false, reason: 'schema_violation', userId: id, issues: parsed.issues };
}

function userIdOf(result: unknown): { userId?: string } {
  const uuid = (result as { login?: { uuid?: unknown } } | null)?.login?.uuid;
  return typeof uuid === 'string' ? { userId: uuid.slice(0, 64) } : {};
}
