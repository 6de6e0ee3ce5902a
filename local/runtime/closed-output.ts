/**
 * Keeps this process running when nobody reads its output any more: `npm start | tee run.log` (the same
 * Ctrl-C ends tee, so writes fail with EPIPE), `| head` (head exits early), a closed terminal (EIO). Node
 * reports a failed write to stdout or stderr as an 'error' event on the stream, and an 'error' event nobody
 * listens to ends the process: in the middle of a stop, with the services still running. The output is
 * lost either way; what matters is that the stop goes on.
 */
export function keepRunningWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', ignoreClosedOutput);
}

function ignoreClosedOutput(): void {
  // Deliberately nothing: the stream is closed, there is no one to tell.
}
