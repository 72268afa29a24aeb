import { canonicalAddress, clientKeyOf } from '../../src/http/middleware/client-address';

// The rules themselves; tests/api/login-throttling.test.ts shows them acting on the limits over HTTP.
describe('canonicalAddress and clientKeyOf', () => {
  test.each([
    ['1.2.3.4', '1.2.3.4', '1.2.3.4'],
    ['::ffff:1.2.3.4', '1.2.3.4', '1.2.3.4'],
    ['::ffff:0102:0304', '1.2.3.4', '1.2.3.4'],
    ['0:0:0:0:0:ffff:1.2.3.4', '1.2.3.4', '1.2.3.4'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1', '2001:db8::/64'],
    ['2001:0db8:0000:0001:ffff::1', '2001:db8:0:1:ffff::1', '2001:db8:0:1::/64'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80::1', 'fe80::/64'],
    ['::1', '::1', '::/64'],
    ['::1.2.3.4', '::1.2.3.4', '::/64'],
  ])('%s → %s, counted as %s', (raw, canonical, key) => {
    expect(canonicalAddress(raw)).toBe(canonical);
    expect(clientKeyOf(canonicalAddress(raw))).toBe(key);
  });

  test('a value that is no address is kept as it is', () => {
    expect(clientKeyOf(canonicalAddress('not-an-address'))).toBe('not-an-address');
  });
});
