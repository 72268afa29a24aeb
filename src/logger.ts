import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Request bodies are never logged; the redaction below is a second line of defence for
 * anything that might one day slip into a log object by mistake.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          'err.body',
          'password',
          '*.password',
          'authorization',
          '*.authorization',
          '*.headers.authorization',
          'access_token',
          '*.access_token',
          'secret',
          '*.secret',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** Bytes of log lines held before one write, and the longest a line waits in that buffer (ms). */
const LOG_BUFFER_BYTES = 4096;
const LOG_FLUSH_MS = 250;

/**
 * Standard output, buffered as nginx buffers its access log (`buffer=`, `flush=`): one write per
 * 4 KB of lines or per quarter second, instead of one write handed to libuv's thread pool per
 * request (a tenth of `GET /users/me`'s event-loop time went there). On exit, a crash included,
 * pino writes what is held; a process killed without an exit (SIGKILL, an out-of-memory abort)
 * loses up to the last quarter second of lines.
 */
export function bufferedStdout(): DestinationStream {
  return pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES, periodicFlush: LOG_FLUSH_MS });
}

/**
 * For the access line only: its fields are fixed (request id, method, path, status, operationId,
 * duration) and none can hold a secret, so it skips the redaction pass, which doubled the cost of
 * the one line every request writes.
 */
export function accessLoggerOf(logger: Logger): Logger {
  return logger.child({}, { redact: [] });
}
