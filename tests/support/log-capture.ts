import type { DestinationStream } from 'pino';

/** A pino destination that keeps every line, so tests can read what the server logged. */
export function captureLogs(): DestinationStream & { text(): string } {
  const lines: string[] = [];
  return { write: (line: string) => void lines.push(line), text: () => lines.join('') };
}
