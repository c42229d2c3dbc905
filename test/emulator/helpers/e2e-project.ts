import { randomBytes } from 'node:crypto';

/**
 * A Firestore project id of its own for one test file. The composition root gives the stores no collection prefix,
 * but the emulator keeps projects apart, so a fresh `demo-` project isolates the file's documents
 * (and `demo-` ids are the ones the emulator never forwards to a real project).
 */
export function isolatedProject(label: string): string {
  if (!process.env.FIRESTORE_EMULATOR_HOST) {
    throw new Error(
      'FIRESTORE_EMULATOR_HOST is not set: these tests need the Firestore emulator. Run them through `node scripts/with-emulators.mjs npx jest <paths>` (or `npm test`).',
    );
  }
  if (!/^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(process.env.FIRESTORE_EMULATOR_HOST)) {
    throw new Error(`Refusing to run against FIRESTORE_EMULATOR_HOST=${process.env.FIRESTORE_EMULATOR_HOST}: not a loopback emulator`);
  }
  return `demo-e2e-${label}-${randomBytes(4).toString('hex')}`;
}
