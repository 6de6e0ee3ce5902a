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

export interface UsersBySignupDayKey {
  /** UTC calendar day of registered_date, 'YYYY-MM-DD' (a CQL `date` literal). */
  readonly signup_day: string;
  readonly country: string;
  /** The instant of SIGNUP_INSTANT_FIELD (registered_date), as a Date (CQL timestamp, millisecond precision). */
  readonly signupInstant: Date;
  readonly id: string;
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
  const parts = address.split(',');
  if (parts.length < 2) return UNKNOWN_COUNTRY;
  const country = (parts[parts.length - 1] ?? '').trim();
  return country === '' || country.length > MAX_COUNTRY_LENGTH ? UNKNOWN_COUNTRY : country;
}

export function usersBySignupDayKey(payload: {
  readonly id: string;
  readonly address: string;
  readonly registered_date: string;
}): UsersBySignupDayKey {
  // Parsed once: this runs for every record the processor writes.
  const registered = new Date(payload.registered_date);
  return {
    signup_day: utcDayOf(registered, payload.registered_date),
    country: countryOf(payload.address),
    signupInstant: registered,
    id: payload.id,
  };
}
