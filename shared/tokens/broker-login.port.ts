/** The broker's login flow as the token functions see it (Fyers: generate-authcode → validate-authcode). */
export interface IssuedToken {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms the session ends (JWT `exp`). */
  expiresAt: number;
}

export type RefreshOutcome = { kind: 'refreshed'; token: IssuedToken } | { kind: 'refused'; reason: string };

export interface BrokerLogin {
  /** Where the operator's browser goes to log in; `state` comes back on the redirect. */
  authCodeUrl(state: string): string;
  exchangeAuthCode(authCode: string): Promise<IssuedToken>;
  /** Fyers has discontinued this for most apps; a refusal is an expected answer, not an error. */
  refreshWithPin(refreshToken: string, pin: string): Promise<RefreshOutcome>;
}
