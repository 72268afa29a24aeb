import { loadConfig } from '../../src/config';
import { configProblems } from '../support/config-problems';
import { PRODUCTION_MAIL } from '../support/mail-env';

test('defaults from the issue', () => {
  expect(loadConfig({}).mail).toMatchObject({
    smtpUrl: undefined,
    passwordResetTtl: 3600,
    emailVerificationTtl: 86400,
    requireVerifiedEmail: false,
    maxPerAddress: 5,
    maxPerIp: 30,
    window: 3600,
    maxChangesPerUser: 5,
  });
});

test('in production the mail flows need SMTP_URL, MAIL_FROM and both link templates: one problem each', () => {
  const problems = configProblems({ NODE_ENV: 'production', PUBLIC_URL: 'https://auth.example.com', JWT_SECRET: 'x'.repeat(32) });
  expect(problems.map((p) => p.split(' ')[0])).toEqual(['SMTP_URL', 'MAIL_FROM', 'PASSWORD_RESET_URL', 'EMAIL_VERIFICATION_URL']);
  expect(configProblems({ NODE_ENV: 'production', PUBLIC_URL: 'https://auth.example.com', JWT_SECRET: 'x'.repeat(32), ...PRODUCTION_MAIL })).toEqual([]);
});

test('link templates must be http(s) URLs with {token}; SMTP_URL smtp(s):// and its password never printed', () => {
  const problems = configProblems({ PASSWORD_RESET_URL: 'https://app.example.com/reset', EMAIL_VERIFICATION_URL: 'javascript:{token}', SMTP_URL: 'http://user:hunter2@mail.example.com' });
  expect(problems.map((p) => p.split(' ')[0])).toEqual(['SMTP_URL', 'PASSWORD_RESET_URL', 'EMAIL_VERIFICATION_URL']);
  expect(problems.join('\n')).not.toContain('hunter2');
});

test('SMTP_ALLOW_PLAINTEXT: plain SMTP refused in production unless opted out, allowed elsewhere unless refused (issue 21 item 11)', () => {
  const production = { NODE_ENV: 'production', PUBLIC_URL: 'https://auth.example.com', JWT_SECRET: 'x'.repeat(32), ...PRODUCTION_MAIL };
  expect(loadConfig(production).mail.allowPlaintext).toBe(false);
  expect(loadConfig({ ...production, SMTP_ALLOW_PLAINTEXT: 'true' }).mail.allowPlaintext).toBe(true);
  expect(loadConfig({}).mail.allowPlaintext).toBe(true);
  expect(loadConfig({ SMTP_ALLOW_PLAINTEXT: 'false' }).mail.allowPlaintext).toBe(false);
  expect(configProblems({ SMTP_ALLOW_PLAINTEXT: 'yes' })).toEqual(['SMTP_ALLOW_PLAINTEXT must be true or false (got "yes")']);
});
