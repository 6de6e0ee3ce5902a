import { type RandomUserServer, startRandomUserServer } from '../../local/randomuser/server.js';

type Overrides = Record<string, unknown>;

/** One randomuser.me result exactly as the API returns it (US nationality: numeric postcode). */
export function randomUserResult(overrides: Overrides = {}) {
  return {
    gender: 'male',
    name: { title: 'Mr', first: 'Louis', last: 'Ross' },
    location: {
      street: { number: 6524, name: 'Grafton Street' },
      city: 'Ballina',
      state: 'Laois',
      country: 'Ireland',
      postcode: 93451,
      coordinates: { latitude: '-11.5613', longitude: '-26.5843' },
      timezone: { offset: '+9:30', description: 'Adelaide, Darwin' },
    },
    email: 'louis.ross@example.com',
    login: {
      uuid: '5d6f3c0e-8a3b-4c2f-9e1d-7b6a5c4d3e2f',
      username: 'purpleswan123',
      password: 'starwars',
      salt: 'Wz2iXqVZ',
      md5: '9f1b6c5e9e0d4c1f8f4e1f0c2b3a4d5e',
      sha1: '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567',
      sha256: '0a1b2c3d4e5f60718293a4b5c6d7e8f9012345670a1b2c3d4e5f60718293a4b5',
    },
    dob: { date: '1993-07-20T09:44:18.674Z', age: 31 },
    registered: { date: '2009-12-17T06:21:19.520Z', age: 15 },
    phone: '041-917-8541',
    cell: '081-454-0666',
    id: { name: 'PPS', value: '0390511T' },
    picture: {
      large: 'https://randomuser.me/api/portraits/men/75.jpg',
      medium: 'https://randomuser.me/api/portraits/med/men/75.jpg',
      thumbnail: 'https://randomuser.me/api/portraits/thumb/men/75.jpg',
    },
    nat: 'IE',
    ...overrides,
  };
}

/** Runs `body` against a fresh local randomuser.me stand-in and always closes it. */
export async function withRandomUserServer<T>(
  options: Parameters<typeof startRandomUserServer>[0],
  body: (server: RandomUserServer) => Promise<T>,
): Promise<T> {
  const server = await startRandomUserServer(options);
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}
