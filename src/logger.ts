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
        paths: ['err.body', 'password', '*.password', 'authorization', '*.authorization', '*.headers.authorization', 'access_token', '*.access_token', 'secret', '*.secret'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
