/** Names of the credentials the product reads. Cloud: Secret Manager secret ids; local: env variables. */
export type SecretName = 'webhook-secret' | 'controls-key' | 'fyers-app-secret' | 'fyers-pin' | 'fyers-postback-secret' | 'fyers-postback-token';

export interface SecretSource {
  /**
   * The current value, or undefined when the secret has no value yet. Implementations may answer from
   * memory, with a value read some minutes ago; with `fresh`, only with one no older than their cache
   * time (ask so before refusing someone on the strength of a remembered value: it may be rotated).
   */
  get(name: SecretName, opts?: { fresh?: boolean }): Promise<string | undefined>;
}
