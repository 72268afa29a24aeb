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

/**
 * For the access line only: its fields are fixed (request id, method, path, status, operationId,
 * duration) and none can hold a secret, so it skips the redaction pass, which doubled the cost of
 * the one line every request writes.
 */
export function accessLoggerOf(logger: Logger): Logger {
  return logger.child({}, { redact: [] });
}
