// Integration tests talk to the real local services: give the code under test the same connection
// variables `npm run services -- env` prints, so `npx vitest run --project integration` works on its own.
// As under `npm start`, the handlers' PG* variables log in as the processor's role (pipeline_writer), even
// when the calling shell exports another PGUSER; the tests' own access is adminPostgresPool().
import { applyConnectionEnvironment, readLocalServicesSettings } from '../../local/services/config.js';

applyConnectionEnvironment(readLocalServicesSettings());
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
// EMF metric lines and per-batch info logs would drown the test output; errors still show.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
