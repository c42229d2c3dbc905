import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { getDeps } from '../composition';
import { handleNotifyEvent } from './notify.handler';

/** CloudEvent entry point fed by the notifications topic. */
export const notify: CloudEventFunction = async (event) => {
  await handleNotifyEvent((await getDeps()).notify, event);
};
