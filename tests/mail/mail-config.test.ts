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

test('in production the mail flows need SMTP_URL and MAIL_FROM: one problem each; the links default to our pages', () => {
  const production = { NODE_ENV: 'production', PUBLIC_URL: 'https://auth.example.com', JWT_SECRET: 'x'.repeat(32) };
  const problems = configProblems(production);
  expect(problems.map((p) => p.split(' ')[0])).toEqual(['SMTP_URL', 'MAIL_FROM']);
  expect(configProblems({ ...production, ...PRODUCTION_MAIL })).toEqual([]);
  const { SMTP_URL, MAIL_FROM } = PRODUCTION_MAIL;
  expect(configProblems({ ...production, SMTP_URL, MAIL_FROM })).toEqual([]);
  expect(loadConfig({ ...production, SMTP_URL, MAIL_FROM }).mail).toMatchObject({
    passwordResetUrl: 'https://auth.example.com/ui/reset-password?token={token}',
    emailVerificationUrl: 'https://auth.example.com/ui/verify-email?token={token}',
  });
});

test('PASSWORD_RESET_URL and EMAIL_VERIFICATION_URL default to the pages under PUBLIC_URL (its path kept), else localhost and PORT', () => {
  const links = (env: Record<string, string>) => {
    const { passwordResetUrl, emailVerificationUrl } = loadConfig(env).mail;
    return [passwordResetUrl, emailVerificationUrl];
  };
  expect(links({})).toEqual(['http://localhost:3000/ui/reset-password?token={token}', 'http://localhost:3000/ui/verify-email?token={token}']);
  expect(links({ PORT: '8080' })).toEqual(['http://localhost:8080/ui/reset-password?token={token}', 'http://localhost:8080/ui/verify-email?token={token}']);
  expect(links({ PUBLIC_URL: 'https://example.com/auth/', PORT: '8080' })).toEqual([
    'https://example.com/auth/ui/reset-password?token={token}',
    'https://example.com/auth/ui/verify-email?token={token}',
  ]);
  // Set, they are used as they are: a front end of your own.
  expect(links({ PUBLIC_URL: 'https://auth.example.com', ...PRODUCTION_MAIL })).toEqual([PRODUCTION_MAIL.PASSWORD_RESET_URL, PRODUCTION_MAIL.EMAIL_VERIFICATION_URL]);
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
