import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { handleNotifyEvent, type NotifyDeps } from './notify.handler';

/** CloudEvent entry point fed by the notifications topic. */
export const notifyFunction =
  (deps: () => Promise<NotifyDeps>): CloudEventFunction =>
  async (event) => {
    await handleNotifyEvent(await deps(), event);
  };
