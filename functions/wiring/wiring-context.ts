import type { Config } from '../../shared/config/config';
import type { Clock } from '../../shared/platform/clock';
import type { Logger } from '../../shared/platform/logger';
import type { BackgroundWork } from '../../shared/platform/background-work';
import type { QuoteMemory } from '../../shared/broker/quote-memory';
import type { LiveControls } from '../../shared/store/live-controls';
import type { SymbolIndex } from '../../shared/symbols/instrument';
import type { OperatorKeyGate } from '../operator-auth/operator-key';
import type { Adapters } from '../adapters';
import type { RefusalDigest } from '../../shared/notify/refusal-digest';

/**
 * How long a postback's answer waits for its follow-up. A fill's commit, orderbook read and exits take
 * 30-150 ms on the Firestore emulator (bench, lifecycle); a second covers a slow broker read while
 * staying far inside any sender's timeout, and a follow-up caught in a transaction clash (seconds) is
 * left running instead of holding the answer.
 */
export const POSTBACK_FOLLOW_UP_MS = 1_000;

/** What every wiring factory starts from: the config, the chosen adapters and the instance's shared pieces. */
export interface WiringContext {
  config: Config;
  adapters: Adapters;
  clock: Clock;
  logger: Logger;
  instanceId: string;
  /** Runtime controls, cached per instance and told at once when this instance changes them. */
  controls: LiveControls;
  symbols: () => Promise<SymbolIndex>;
  operatorKey: OperatorKeyGate;
  /** The instance's one refusal digest: alerts refused at the webhook and orders the broker rejected after acceptance. */
  refusals: RefusalDigest;
  /** Work left running after an answer (a postback's exits); closing waits for it. */
  background: BackgroundWork;
  /**
   * Every quote this instance took through the paced port, kept a second: the webhook's replies and the
   * forward test's fills reuse it, so a paper alert beside a live one does not ask again for the same price.
   */
  quotes: QuoteMemory;
  /** How long a postback's answer waits for its follow-up (orderUpdates' window). */
  postbackFollowUpMs: number;
}
