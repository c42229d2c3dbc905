/** The broker's login flow as the token functions see it (Fyers: generate-authcode → validate-authcode). */
export interface IssuedToken {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms the session ends (JWT `exp`). */
  expiresAt: number;
}

/** Why a refresh was refused: the flow is gone, the refresh token is bad, or any other refusal. */
export type RefreshRefusal = 'discontinued' | 'invalid-refresh-token' | 'refused';

export type RefreshOutcome =
  | { kind: 'refreshed'; token: IssuedToken }
  /** `reason` is for people (logs, notifications); `code` is the broker's, when it gave one. */
  | { kind: 'refused'; refusal: RefreshRefusal; reason: string; code?: number };

export interface BrokerLogin {
  /** Where the operator's browser goes to log in; `state` comes back on the redirect. */
  authCodeUrl(state: string): string;
  exchangeAuthCode(authCode: string): Promise<IssuedToken>;
  /** Fyers has discontinued this for most apps; a refusal is an expected answer, not an error. */
  refreshWithPin(refreshToken: string, pin: string): Promise<RefreshOutcome>;
}
