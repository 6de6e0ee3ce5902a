/**
 * Key columns of the day table (users_by_signup_day_bucketed), derived only from the payload so the same event
 * always maps to the same row. Shared by every writer (the processor, the layout backfill, and anything that
 * must find a user's row) and by readers that locate one user; readers of a whole (day, country) read every
 * bucket instead (day-table-layout.ts), so they never need the hash.
 */

export const UNKNOWN_COUNTRY = 'unknown';

/** The payload field whose UTC day is the partition's signup_day, and the other clustering column. */
export const SIGNUP_INSTANT_FIELD = 'registered_date';
/** The payload field the partition's country is read from. */
export const COUNTRY_SOURCE_FIELD = 'address';
/** Clustering columns of the day table, in order. */
export const SIGNUP_DAY_CLUSTERING_FIELDS: readonly string[] = [SIGNUP_INSTANT_FIELD, 'id'];
/** The partition key column that spreads one (signup_day, country) over several partitions. */
export const SIGNUP_DAY_BUCKET_COLUMN = 'bucket';
/** Keeps the partition key far below Keyspaces' 2048-byte limit. */
export const MAX_COUNTRY_LENGTH = 100;
/** Most buckets a stage may configure: readers of one (day, country) read this many partitions. */
export const MAX_SIGNUP_DAY_BUCKETS = 1024;

/** The partition and clustering values of the day table, as the processor writes them. */
export interface UsersBySignupDayPartition {
  /** UTC calendar day of registered_date, as days since 1970-01-01 (what a CQL `date` encodes). */
  readonly signupEpochDay: number;
  readonly country: string;
  /** 0..buckets-1, from the user id ({@link signupDayBucketOf}): stable for a user. */
  readonly bucket: number;
  /** The instant of SIGNUP_INSTANT_FIELD (registered_date), as a Date (CQL timestamp, millisecond precision). */
  readonly signupInstant: Date;
  readonly id: string;
}

/** The key columns of the day table as readers query them. */
export interface UsersBySignupDayKey {
  /** UTC calendar day of registered_date, 'YYYY-MM-DD' (a CQL `date` literal). */
  readonly signup_day: string;
  readonly country: string;
  readonly bucket: number;
  /** The instant of SIGNUP_INSTANT_FIELD (registered_date), as a Date (CQL timestamp, millisecond precision). */
  readonly signupInstant: Date;
  readonly id: string;
}

const DAY_MS = 86_400_000;
const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Throws RangeError unless `buckets` is a whole number from 1 to MAX_SIGNUP_DAY_BUCKETS. */
export function assertBucketCount(buckets: number): number {
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > MAX_SIGNUP_DAY_BUCKETS) {
    throw new RangeError(
      `bucket count ${buckets} must be a whole number from 1 to ${MAX_SIGNUP_DAY_BUCKETS}`,
    );
  }
  return buckets;
}

/**
 * The user's bucket: 32-bit FNV-1a over the id's characters, then MurmurHash3's 32-bit finalizer (fmix32),
 * modulo `buckets`. Stable (a pure function of the id text, the same in any language), cheap (~36 multiply-xor
 * steps, no allocation, no crypto: the processor runs it per record) and evenly spread, also for ids that share
 * most of their text (time-based UUIDs of one producer; unit-tested with a chi-square test). FNV-1a's low bits
 * depend only on the low bits of each character; the finalizer makes every bit of the id reach the bits the
 * modulo keeps, whatever the bucket count. `| 0x20` folds A-F to a-f, so an id in upper case lands where its
 * lower-case form does (digits and '-' already have that bit; the contract admits only UUID text).
 */
export function signupDayBucketOf(id: string, buckets: number): number {
  let hash = FNV_OFFSET_BASIS;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i) | 0x20;
    hash = Math.imul(hash, FNV_PRIME);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) % buckets;
}

/** UTC day, because an event's zone offset must not move a user to another partition. */
export function signupDayOf(registeredDate: string): string {
  return utcDayOf(new Date(registeredDate), registeredDate);
}

function utcDayOf(instant: Date, source: string): string {
  if (Number.isNaN(instant.getTime())) throw new RangeError(`not a date-time: ${source}`);
  return instant.toISOString().slice(0, 10);
}

/**
 * The tutorial's address is "<number> <street>, <city>, <state>, <country>": the country is the last
 * comma-separated part, verbatim apart from surrounding spaces. Anything else is UNKNOWN_COUNTRY.
 */
export function countryOf(address: string): string {
  const lastComma = address.lastIndexOf(',');
  if (lastComma < 0) return UNKNOWN_COUNTRY;
  const country = address.slice(lastComma + 1).trim();
  return country === '' || country.length > MAX_COUNTRY_LENGTH ? UNKNOWN_COUNTRY : country;
}

interface KeySource {
  readonly id: string;
  readonly address: string;
  readonly registered_date: string;
}

/**
 * The user's row in the day table: its partition (signup day, country, bucket) and clustering values. The one
 * function every writer, and any code that must find a user's row (a delete, a backfill), derives them with;
 * `buckets` is the stage's `signupDayTable.buckets`. Runs for every record the processor writes, so it never
 * builds the day's text (a CQL date is days since the epoch).
 */
export function usersBySignupDayPartition(payload: KeySource, buckets: number): UsersBySignupDayPartition {
  const registered = new Date(payload.registered_date); // parsed once
  const ms = registered.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a date-time: ${payload.registered_date}`);
  return {
    signupEpochDay: Math.floor(ms / DAY_MS),
    country: countryOf(payload.address),
    bucket: signupDayBucketOf(payload.id, buckets),
    signupInstant: registered,
    id: payload.id,
  };
}

export function usersBySignupDayKey(payload: KeySource, buckets: number): UsersBySignupDayKey {
  const { country, bucket, signupInstant, id } = usersBySignupDayPartition(payload, buckets);
  return { signup_day: utcDayOf(signupInstant, payload.registered_date), country, bucket, signupInstant, id };
}
