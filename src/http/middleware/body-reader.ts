import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createUnzip } from 'node:zlib';
import getRawBody from 'raw-body';
import type { Context } from 'koa';

export const BODY_LIMIT = '100kb';

/** A body the client sent but that cannot be read; its status (400 unless said) reaches the error renderer. */
export class UnreadableBody extends Error {
  constructor(
    message: string,
    readonly status = 400,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** `utf8` is a label of UTF-8 in the WHATWG Encoding Standard, and clients send it (PHP, MySQL habits). */
const UTF8_LABELS = new Set(['', 'utf-8', 'utf8']);

// fatal: a byte sequence that is not UTF-8 is an error, not a silent U+FFFD in a stored password or title.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as text: decompressed (gzip, deflate, br), 100 KB at most once decompressed (413 above),
 * and UTF-8, the only charset JSON (RFC 8259 §8.1) and our forms accept: another charset → 415,
 * bytes that are not UTF-8 → 400.
 */
export async function readUtf8Body(ctx: Context): Promise<string> {
  const charset = ctx.request.charset.toLowerCase();
  if (!UTF8_LABELS.has(charset)) throw new UnreadableBody(`the request body's charset "${charset.slice(0, 40)}" is not utf-8`, 415);
  const encoding = ctx.get('Content-Encoding').toLowerCase() || 'identity';
  const length = encoding === 'identity' ? ctx.get('Content-Length') || undefined : undefined;
  const bytes = await getRawBody(decompressed(ctx.req, encoding), { limit: BODY_LIMIT, length });
  try {
    return UTF8.decode(bytes);
  } catch (error) {
    throw new UnreadableBody('the request body is not valid UTF-8', 400, { cause: error });
  }
}

/**
 * pipeline, not pipe: when the client goes away mid-body, pipe() leaves the decompressor open and the
 * read pending for ever (a context and a partial buffer per aborted upload); pipeline destroys it,
 * and raw-body then rejects.
 */
function inflating(request: Readable, inflate: Transform): Readable {
  pipeline(request, inflate, () => undefined);
  return inflate;
}

function decompressed(request: Readable, encoding: string): Readable {
  switch (encoding) {
    case 'identity':
      return request;
    case 'gzip':
    case 'deflate':
      return inflating(request, createUnzip());
    case 'br':
      return inflating(request, createBrotliDecompress());
    default:
      throw new UnreadableBody(`unsupported Content-Encoding: ${encoding.slice(0, 40)}`, 415);
  }
}
