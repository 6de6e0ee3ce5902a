// A throwaway third sink for tests: one folder implementing SinkModule, added to the list by the test only.
import { mkdir } from 'node:fs/promises';
import { defineSink } from '../../../../lambdas/processor/sinks/index.js';
import { requiredString } from '../../../../lambdas/shared/config.js';
import { FILE_SINK_NAME, FileSink } from './file-sink.js';

export { readFileSinkState } from './file-sink.js';
export { FILE_SINK_NAME };

/** The directory the sink writes (FILE_SINK_DIR). */
export interface FileSinkSettings {
  readonly directory: string;
}

/** Users in a JSON file of FILE_SINK_DIR; its "client" is the directory, created on first connect. */
export const fileSink = defineSink({
  name: FILE_SINK_NAME,
  readSettings: (env): FileSinkSettings => ({ directory: requiredString(env, 'FILE_SINK_DIR') }),
  createClient: (settings) => ({
    connect: async () => {
      await mkdir(settings.directory, { recursive: true });
      return settings.directory;
    },
    close: async () => {},
  }),
  createSink: (directory) => new FileSink(directory),
});
