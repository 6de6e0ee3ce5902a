/**
 * Runs the local randomuser.me stand-in until interrupted:
 *   npx tsx local/randomuser/main.ts [--port 3001] [--host 127.0.0.1]
 * Point ingest-pull at it with RANDOMUSER_BASE_URL=http://127.0.0.1:3001.
 */
import { parseArgs } from 'node:util';
import { startRandomUserServer } from './server.js';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '3001' }, host: { type: 'string', default: '127.0.0.1' } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be an integer from 0 to 65535, got ${values.port}`);
  process.exit(2);
}
const server = await startRandomUserServer({ port, host: values.host });
console.log(`randomuser.me stand-in listening on ${server.url}/api/`);
const stop = () => {
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('closing the server failed', error);
      process.exit(1);
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
