import { randomBytes } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';

/**
 * Emulator tests run only under scripts/with-emulators.mjs. Anything else fails with the reason,
 * never skips: a green run must mean the Firestore code was exercised.
 */
export function requireEmulators(): { firestoreHost: string; pubsubHost: string; projectId: string } {
  if (process.env.EMULATORS === 'missing') {
    throw new Error(process.env.EMULATORS_MISSING_REASON ?? 'Emulators are missing (see scripts/with-emulators.mjs output)');
  }
  const firestoreHost = process.env.FIRESTORE_EMULATOR_HOST;
  const pubsubHost = process.env.PUBSUB_EMULATOR_HOST;
  const projectId = process.env.GOOGLE_CLOUD_PROJECT;
  if (!firestoreHost || !pubsubHost || !projectId) {
    throw new Error('Emulator tests need FIRESTORE_EMULATOR_HOST, PUBSUB_EMULATOR_HOST and GOOGLE_CLOUD_PROJECT: run `npm test` (node scripts/with-emulators.mjs npx jest)');
  }
  // Belt and braces: never let a test write to a real project.
  if (!/^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(firestoreHost) || !projectId.startsWith('demo-')) {
    throw new Error(`Refusing to run emulator tests against ${firestoreHost} / project ${projectId}`);
  }
  return { firestoreHost, pubsubHost, projectId };
}

/** A Firestore client bound to the emulator (the SDK reads FIRESTORE_EMULATOR_HOST itself). */
export function emulatorFirestore(): Firestore {
  const { projectId } = requireEmulators();
  return new Firestore({ projectId });
}

/** Collection prefix unique to this run and file, so parallel jest workers never share documents. */
export function uniquePrefix(label: string): string {
  return `t-${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}-`;
}
