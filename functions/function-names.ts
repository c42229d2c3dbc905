/**
 * Every Cloud Run function this product deploys, by its Functions Framework entry point. Terraform's
 * `local.functions` (terraform/functions.tf) must hold exactly these keys, each with the same
 * entry_point; test/unit/terraform-consistency.test.ts enforces it.
 */
export const FUNCTION_NAMES = ['webhook', 'readyz', 'authUrl', 'authCallback', 'refreshToken', 'refreshSymbolMaster', 'controls', 'notify'] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];
