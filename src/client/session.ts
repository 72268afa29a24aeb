import type { components } from '../../generated/api';

type TokenResponse = components['schemas']['TokenResponse'];

/** The tokens the client holds, and one refresh at a time however many callers ask for it. */
export interface Session {
  readonly accessToken: string | undefined;
  readonly refreshToken: string | undefined;
  store(tokens: TokenResponse): void;
  clear(): void;
  /**
   * Refreshes once for every caller waiting at the same time: the refresh token rotates on every use,
   * so two parallel refreshes would present it twice and the server would revoke the whole family.
   */
  refreshOnce(refresh: (refreshToken: string) => Promise<TokenResponse | undefined>): Promise<boolean>;
}

export function createSession(): Session {
  let accessToken: string | undefined;
  let refreshToken: string | undefined;
  let inFlight: Promise<boolean> | undefined;

  const session: Session = {
    get accessToken() {
      return accessToken;
    },
    get refreshToken() {
      return refreshToken;
    },
    store(tokens) {
      accessToken = tokens.access_token;
      // Cookie mode leaves the refresh token out of the body; the browser holds it instead.
      refreshToken = tokens.refresh_token;
    },
    clear() {
      accessToken = undefined;
      refreshToken = undefined;
    },
    refreshOnce(refresh) {
      const held = refreshToken;
      if (held === undefined) return Promise.resolve(false);
      inFlight ??= refresh(held)
        .then((tokens) => {
          if (tokens) session.store(tokens);
          else if (refreshToken === held) session.clear();
          return tokens !== undefined;
        })
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
  };
  return session;
}
