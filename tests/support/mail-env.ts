/** What production needs besides JWT_SECRET since the mail flows: a transport, a sender and the front-end links. */
export const PRODUCTION_MAIL = {
  SMTP_URL: 'smtp://127.0.0.1:1',
  MAIL_FROM: 'Example <no-reply@example.com>',
  PASSWORD_RESET_URL: 'https://app.example.com/reset-password?token={token}',
  EMAIL_VERIFICATION_URL: 'https://app.example.com/verify-email?token={token}',
} as const;
