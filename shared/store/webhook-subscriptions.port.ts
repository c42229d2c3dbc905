/** An operator-registered receiver of order events (outbound webhook). */
export interface WebhookSubscription {
  id: string;
  /** https, public addresses only; checked when registered and again on every delivery. */
  url: string;
  /** Signs deliveries; shown once, when registered. */
  secret: string;
  createdAt: number;
  actor: string;
}

export interface WebhookSubscriptionStore {
  add(sub: WebhookSubscription): Promise<void>;
  list(): Promise<WebhookSubscription[]>;
  /** True when it existed. */
  remove(id: string): Promise<boolean>;
}
