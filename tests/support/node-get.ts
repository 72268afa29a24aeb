import { request } from 'node:http';

export interface NodeGetAnswer {
  readonly status: number;
  readonly type: string | undefined;
  readonly cacheControl: string | undefined;
  readonly body: string;
}

/** A GET through node:http, which can send headers fetch refuses to set (Host). */
export function getWithHeaders(url: string, headers: Record<string, string>): Promise<NodeGetAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (chunk: string) => (body += chunk))
        .on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: res.headers['content-type'],
            cacheControl: res.headers['cache-control'],
            body,
          }),
        );
    });
    req.on('error', reject).end();
  });
}

/** fetch cannot set Host; node:http can. */
export function getWithHost(url: string, host: string): Promise<NodeGetAnswer> {
  return getWithHeaders(url, { Host: host });
}
