import { isIP, SocketAddress } from 'node:net';
import type Koa from 'koa';

const IPV4_MAPPED = '::ffff:';

/**
 * One spelling per address, so a limit keyed by it cannot be dodged by writing the same client
 * another way: IPv4-mapped IPv6 in any spelling (`::ffff:1.2.3.4`, `::ffff:0102:0304`,
 * `0:0:0:0:0:ffff:1.2.3.4`) becomes `1.2.3.4`, IPv6 is compressed lower-case (RFC 5952, as
 * libuv's inet_ntop writes it) without a zone. A value that is no address at all is kept as sent.
 */
export function canonicalAddress(raw: string): string {
  const family = isIP(raw);
  if (family === 0) return raw;
  const address = new SocketAddress({ address: raw, family: family === 6 ? 'ipv6' : 'ipv4' }).address;
  return address.startsWith(IPV4_MAPPED) && isIP(address.slice(IPV4_MAPPED.length)) === 4 ? address.slice(IPV4_MAPPED.length) : address;
}

/**
 * Who an attempt limit counts: an IPv4 address, or the /64 an IPv6 address belongs to (`2001:db8:1:2::/64`).
 * One IPv6 subscriber is routinely given a whole /64, so counting single addresses would give an
 * attacker 2^64 fresh counters. Takes a canonical address.
 */
export function clientKeyOf(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${canonicalAddress(firstFourGroups(address).join(':') + '::')}/64`;
}

/** The first 64 bits of a canonical IPv6 address as four hex groups (a `::` stands for the zero groups it omits). */
function firstFourGroups(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const groups = head === '' ? [] : head.split(':');
  if (tail !== undefined) {
    // A dotted IPv4 tail (`::1.2.3.4`) holds two groups.
    const tailGroups = tail === '' ? 0 : tail.split(':').reduce((sum, group) => sum + (group.includes('.') ? 2 : 1), 0);
    while (groups.length < 8 - tailGroups) groups.push('0');
  }
  return groups.slice(0, 4);
}

/**
 * Makes `ctx.ip` the canonical address for the whole app, computed on first use only (most
 * requests never ask). Koa works out the raw value: the socket's address, or with `app.proxy` the
 * last X-Forwarded-For entry; both pass through the same canonicalisation here.
 */
export function canonicaliseClientAddresses(app: Koa): void {
  const koaRequest = Object.getPrototypeOf(app.request) as object;
  Object.defineProperty(app.request, 'ip', {
    configurable: true,
    get(this: object): string {
      return canonicalAddress(Reflect.get(koaRequest, 'ip', this) as string);
    },
    set(this: object, value: string) {
      Reflect.set(koaRequest, 'ip', value, this);
    },
  });
}
