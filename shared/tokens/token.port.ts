/** The Fyers session as stored after a login. */
export interface StoredToken {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms from the JWT `exp`. */
  expiresAt: number;
  obtainedAt: number;
  /** How it was obtained: 'login' (OAuth callback), 'refresh', or 'env'. */
  source: 'login' | 'refresh' | 'env';
}

export interface TokenStore {
  current(): Promise<StoredToken | undefined>;
  save(token: StoredToken): Promise<void>;
}

/** What the broker adapter asks for on each call: the live access token, or undefined when there is none. */
export type AccessTokenProvider = () => Promise<string | undefined>;
