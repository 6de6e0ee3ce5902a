import { createHash } from 'node:crypto';
import {
  NATIONALITIES,
  type Nationality,
  PASSWORDS,
  type PersonName,
  TIMEZONES,
  TITLES,
  USERNAME_ADJECTIVES,
  USERNAME_NOUNS,
} from './nationalities.js';

/** randomuser.me's result document, as far as this stand-in reproduces it. */
export interface RandomUserResultDocument {
  gender: 'male' | 'female';
  name: { title: string; first: string; last: string };
  location: {
    street: { number: number; name: string };
    city: string;
    state: string;
    country: string;
    postcode: number | string;
    coordinates: { latitude: string; longitude: string };
    timezone: { offset: string; description: string };
  };
  email: string;
  login: {
    uuid: string;
    username: string;
    password: string;
    salt: string;
    md5: string;
    sha1: string;
    sha256: string;
  };
  dob: { date: string; age: number };
  registered: { date: string; age: number };
  phone: string;
  cell: string;
  id: { name: string; value: string | null };
  picture: { large: string; medium: string; thumbnail: string };
  nat: string;
}

/** Ages are computed against this fixed date, not "now", so the same seed gives byte-identical output. */
export const AGE_REFERENCE_DATE = new Date('2025-01-01T00:00:00.000Z');

/**
 * The users at positions [offset, offset + count) of the stream a seed defines. Each user depends only on
 * (seed, position), so `page`/`results` windows over one seed agree with each other, as on randomuser.me.
 */
export function generateRandomUsers(
  seed: string,
  offset: number,
  count: number,
  nationalities: readonly Nationality[] = NATIONALITIES,
): RandomUserResultDocument[] {
  return Array.from({ length: count }, (_, i) => generateRandomUser(seed, offset + i, nationalities));
}

export function generateRandomUser(
  seed: string,
  position: number,
  nationalities: readonly Nationality[] = NATIONALITIES,
): RandomUserResultDocument {
  const random = seededRandom(`${seed}#${position}`);
  const nat = pick(random, nationalities);
  const gender = random() < 0.5 ? 'male' : 'female';
  const first = pick(random, gender === 'male' ? nat.male : nat.female);
  const last = pick(random, nat.last);
  const place = pick(random, nat.places);
  const dob = dateBetween(random, Date.UTC(1944, 0, 1), Date.UTC(2003, 11, 31));
  const registered = dateBetween(random, Date.UTC(2002, 0, 1), Date.UTC(2022, 11, 31));
  const password = pick(random, PASSWORDS);
  const salt = randomString(random, 8, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
  const portrait = `${gender === 'male' ? 'men' : 'women'}/${Math.floor(random() * 100)}.jpg`;
  const postcode = fillPattern(random, nat.postcode.pattern);
  return {
    gender,
    name: { title: pick(random, TITLES[gender]), first: first.name, last: last.name },
    location: {
      street: { number: 1 + Math.floor(random() * 9999), name: pick(random, nat.streets) },
      city: place.city,
      state: place.state,
      country: nat.country,
      postcode: nat.postcode.numeric ? Number(postcode) : postcode,
      coordinates: {
        latitude: (random() * 180 - 90).toFixed(4),
        longitude: (random() * 360 - 180).toFixed(4),
      },
      timezone: { ...pick(random, TIMEZONES) },
    },
    email: `${emailPart(first)}.${emailPart(last)}${emailNumber(seed, position)}@example.com`,
    login: {
      uuid: uuidV4(random),
      username: `${pick(random, USERNAME_ADJECTIVES)}${pick(random, USERNAME_NOUNS)}${100 + Math.floor(random() * 900)}`,
      password,
      salt,
      md5: hash('md5', password + salt),
      sha1: hash('sha1', password + salt),
      sha256: hash('sha256', password + salt),
    },
    dob: { date: dob.toISOString(), age: ageAt(dob) },
    registered: { date: registered.toISOString(), age: ageAt(registered) },
    phone: fillPattern(random, nat.phone),
    cell: fillPattern(random, nat.cell),
    id: { name: nat.id.name, value: nat.id.pattern === null ? null : fillPattern(random, nat.id.pattern) },
    picture: {
      large: `https://randomuser.me/api/portraits/${portrait}`,
      medium: `https://randomuser.me/api/portraits/med/${portrait}`,
      thumbnail: `https://randomuser.me/api/portraits/thumb/${portrait}`,
    },
    nat: nat.code,
  };
}

/** mulberry32 seeded from a 32-bit FNV-1a hash of the text: small, fast and stable across Node versions. */
export function seededRandom(text: string): () => number {
  let state = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    state ^= byte;
    state = Math.imul(state, 0x01000193) >>> 0;
  }
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError('cannot pick from an empty list');
  return item;
}

function dateBetween(random: () => number, fromMs: number, toMs: number): Date {
  return new Date(fromMs + Math.floor(random() * (toMs - fromMs)));
}

function ageAt(date: Date): number {
  const reference = AGE_REFERENCE_DATE;
  let age = reference.getUTCFullYear() - date.getUTCFullYear();
  const beforeBirthday =
    reference.getUTCMonth() < date.getUTCMonth() ||
    (reference.getUTCMonth() === date.getUTCMonth() && reference.getUTCDate() < date.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age;
}

/** '#' → digit, 'A' → upper-case letter, anything else verbatim. */
function fillPattern(random: () => number, pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '#') out += String(Math.floor(random() * 10));
    else if (ch === 'A') out += String.fromCharCode(65 + Math.floor(random() * 26));
    else out += ch;
  }
  return out;
}

function randomString(random: () => number, length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

function uuidV4(random: () => number): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A number in the e-mail (1-99999), from the user's own seed and position so the user stream is unchanged. The
 * name lists are short, so bare `first.last` would repeat within minutes of demo traffic and the data_quality
 * DAG's duplicate e-mail check (at most 1 %) would fail on the demo's own data; randomuser.me draws from far more
 * names. See README.md (differences).
 */
function emailNumber(seed: string, position: number): number {
  return 1 + Math.floor(seededRandom(`${seed}#${position}#email`)() * 99_999);
}

/** randomuser.me lower-cases names for e-mails, keeps Latin diacritics, and spells other scripts in Latin. */
function emailPart(name: PersonName): string {
  return (name.latin ?? name.name).toLowerCase().replace(/[\s']/g, '');
}

function hash(algorithm: 'md5' | 'sha1' | 'sha256', text: string): string {
  return createHash(algorithm).update(text).digest('hex');
}
