import * as functions from '@google-cloud/functions-framework';
import { getConfig } from './config';
import { webhook } from './webhook/webhook.http';
import { readyz } from './readyz/readyz.http';

/**
 * Entry points. Each name is a Cloud Run function's entry_point in terraform/functions.tf; the
 * consistency test keeps the two lists equal.
 */
getConfig();

functions.http('webhook', webhook);
functions.http('readyz', readyz);

export const FUNCTION_NAMES = ['webhook', 'readyz'] as const;
