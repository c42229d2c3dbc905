/** A Functions Framework registration found in functions/index.ts. */
export interface Registration {
  name: string;
  kind: 'http' | 'cloudEvent';
}

/**
 * Finds `<ff>.http('name', …)` and `<ff>.cloudEvent('name', …)` calls, where `<ff>` is whatever the
 * file imports `@google-cloud/functions-framework` as. Reads the text; importing index.ts would
 * register the functions and parse the environment.
 */
export function readRegistrations(indexTs: string): Registration[] {
  const alias = /import\s+\*\s+as\s+(\w+)\s+from\s+['"]@google-cloud\/functions-framework['"]/.exec(indexTs)?.[1];
  if (!alias) throw new Error('functions/index.ts does not import @google-cloud/functions-framework as a namespace');
  const call = new RegExp(`\\b${alias}\\.(http|cloudEvent)\\(\\s*['"\`]([^'"\`]+)['"\`]`, 'g');
  return [...indexTs.matchAll(call)].map((m) => ({ kind: m[1] as Registration['kind'], name: m[2]! }));
}
