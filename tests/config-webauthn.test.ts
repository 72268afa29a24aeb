import { loadConfig } from '../src/config';
import { configProblems } from './support/config-problems';
import { PRODUCTION_MAIL } from './support/mail-env';

const production = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://auth.example.com',
  JWT_SECRET: 'x'.repeat(32),
  ...PRODUCTION_MAIL,
};

test('WebAuthn defaults: localhost and http://localhost:PORT in development, PUBLIC_URL in production', () => {
  expect(loadConfig({ PORT: '3000' }).webauthn).toEqual({
    rpId: 'localhost',
    rpName: 'tollgate',
    origins: ['http://localhost:3000'],
  });
  expect(loadConfig(production).webauthn).toEqual({
    rpId: 'auth.example.com',
    rpName: 'tollgate',
    origins: ['https://auth.example.com'],
  });
  const set = loadConfig({
    WEBAUTHN_RP_ID: 'Example.com',
    WEBAUTHN_RP_NAME: 'Example',
    WEBAUTHN_ORIGINS: 'https://example.com, https://app.example.com',
  }).webauthn;
  expect(set).toEqual({
    rpId: 'example.com',
    rpName: 'Example',
    origins: ['https://example.com', 'https://app.example.com'],
  });
});

test('bad WebAuthn values are refused, each naming its variable', () => {
  const problems = configProblems({
    WEBAUTHN_RP_ID: '127.0.0.1',
    WEBAUTHN_RP_NAME: 'a\u0001b',
    WEBAUTHN_ORIGINS: 'https://ok.example,not an origin,https://x.example/path',
  });
  expect(problems.map((p) => p.split(' ')[0])).toEqual([
    'WEBAUTHN_RP_NAME',
    'WEBAUTHN_ORIGINS',
    'WEBAUTHN_ORIGINS',
    'WEBAUTHN_RP_ID',
  ]);
  expect(configProblems({ WEBAUTHN_RP_ID: '[::1]' })[0]).toMatch(
    /^WEBAUTHN_RP_ID must be a domain name, not an IP address/,
  );
});

test('production refuses an RP ID that is not the host, or a parent domain, of every origin', () => {
  expect(
    configProblems({
      ...production,
      WEBAUTHN_RP_ID: 'example.com',
      WEBAUTHN_ORIGINS: 'https://auth.example.com,https://example.com',
    }),
  ).toEqual([]);
  const problems = configProblems({
    ...production,
    WEBAUTHN_RP_ID: 'example.com',
    WEBAUTHN_ORIGINS: 'https://auth.example.com,https://notexample.com,https://example.org',
  });
  expect(problems).toHaveLength(2);
  expect(problems.join('\n')).toMatch(
    /WEBAUTHN_RP_ID "example.com" must be .* \(not of "https:\/\/notexample.com"\)\n.*https:\/\/example.org/,
  );
  // Outside production the same settings start (a developer's mistake shows as a failed ceremony).
  expect(configProblems({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.org' })).toEqual([]);
});
