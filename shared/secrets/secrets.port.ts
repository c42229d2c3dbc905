/** Names of the credentials the product reads. Cloud: Secret Manager secret ids; local: env variables. */
export type SecretName = 'webhook-secret' | 'controls-key' | 'fyers-app-secret' | 'fyers-pin' | 'fyers-postback-secret' | 'fyers-postback-token';

export interface SecretSource {
  /** The current value, or undefined when the secret has no value yet. Cached briefly by implementations. */
  get(name: SecretName): Promise<string | undefined>;
}
