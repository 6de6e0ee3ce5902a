/**
 * Key columns of users_by_signup_day, derived only from the payload so the same event always maps to the
 * same row. Shared by the processor (writes) and analytics readers (queries).
 */

export const UNKNOWN_COUNTRY = 'unknown';

/** The payload field whose UTC day is the partition's signup_day, and the other clustering column. */
export const SIGNUP_INSTANT_FIELD = 'registered_date';
/** The payload field the partition's country is read from. */
export const COUNTRY_SOURCE_FIELD = 'address';
/** Clustering columns of users_by_signup_day, in order. */
export const SIGNUP_DAY_CLUSTERING_FIELDS: readonly string[] = [SIGNUP_INSTANT_FIELD, 'id'];
/** Keeps the partition key far below Keyspaces' 2048-byte limit. */
export const MAX_COUNTRY_LENGTH = 100;

/** The partition and clustering values of users_by_signup_day, as the processor writes them. */
export interface UsersBySignupDayPartition {
  /** UTC calendar day of registered_date, as days since 1970-01-01 (what a CQL `date` encodes). */
  readonly signupEpochDay: number;
  readonly country: string;
  /** The instant of SIGNUP_INSTANT_FIELD (registered_date), as a Date (CQL timestamp, millisecond precision). */
  readonly signupInstant: Date;
  readonly id: string;
}

/** The key columns of users_by_signup_day as readers query them. */
export interface UsersBySignupDayKey {
  /** UTC calendar day of registered_date, 'YYYY-MM-DD' (a CQL `date` literal). */
  readonly signup_day: string;
  readonly country: string;
  /** The instant of SIGNUP_INSTANT_FIELD (registered_date), as a Date (CQL timestamp, millisecond precision). */
  readonly signupInstant: Date;
  readonly id: string;
}

const DAY_MS = 86_400_000;

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
 * The key values without the day's text: this runs for every record the processor writes, and a CQL date
 * is days since the epoch, so the processor never needs 'YYYY-MM-DD'.
 */
export function usersBySignupDayPartition(payload: KeySource): UsersBySignupDayPartition {
  const registered = new Date(payload.registered_date); // parsed once
  const ms = registered.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a date-time: ${payload.registered_date}`);
  return {
    signupEpochDay: Math.floor(ms / DAY_MS),
    country: countryOf(payload.address),
    signupInstant: registered,
    id: payload.id,
  };
}

export function usersBySignupDayKey(payload: KeySource): UsersBySignupDayKey {
  const { country, signupInstant, id } = usersBySignupDayPartition(payload);
  return { signup_day: utcDayOf(signupInstant, payload.registered_date), country, signupInstant, id };
}
