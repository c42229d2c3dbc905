import { parseConfig, type Config } from '../shared/config/config';

let config: Config | undefined;

/**
 * The only reader of process.env. Parsed on first use, which is module load of the entry point, so a
 * bad deployment fails at start-up with a message naming the variable rather than on the first alert.
 */
export function getConfig(): Config {
  config ??= parseConfig(process.env);
  return config;
}

/** Tests build their own config; this lets them swap the memoised one. */
export function setConfigForTests(next: Config | undefined): void {
  config = next;
}

/**
 * The local entry point completes the environment after the modules have loaded (a first start's
 * generated operator key, functions/local-start.ts) and reads it again, before anything is built.
 */
export function rereadConfig(): Config {
  config = parseConfig(process.env);
  return config;
}
