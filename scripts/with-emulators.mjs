#!/usr/bin/env node
// Runs a command with the Firestore and Pub/Sub emulators up:
//   node scripts/with-emulators.mjs <cmd> [args...]
// The emulator jars are started directly with java (one PID each, no gcloud/firebase wrappers), on free
// loopback ports, so parallel runs never collide. The child sees FIRESTORE_EMULATOR_HOST and
// PUBSUB_EMULATOR_HOST; the emulators are stopped by process group whatever way the run ends.
// When java or a jar is missing the command still runs with EMULATORS=missing, so emulator tests fail
// loudly with the install hint instead of being skipped; with CI=true it exits non-zero instead.
// firebase.json documents fixed ports (Firestore 8085, Pub/Sub 8086) for manual runs only.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, closeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LOG_DIR = path.join(ROOT, '.emulators');
const PROJECT = 'demo-bridge';
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 3_000;

// The Google clients probe the GCE metadata server (169.254.169.254) unless told not to, even with
// *_EMULATOR_HOST set; gcloud does its own GCE detection.
const QUIET_ENV = {
  METADATA_SERVER_DETECTION: 'none',
  CLOUDSDK_CORE_CHECK_GCE_METADATA: 'false',
  CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
  CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
};

const INSTALL_HINT = [
  'The Firestore and Pub/Sub emulators need Java 17+ and the gcloud emulator components:',
  '  apt-get install openjdk-17-jre-headless',
  '  apt-get install google-cloud-cli-firestore-emulator google-cloud-cli-pubsub-emulator',
  '  (or: gcloud components install cloud-firestore-emulator pubsub-emulator)',
  'If the SDK lives somewhere unusual, set GCLOUD_SDK_ROOT to its root folder.',
].join('\n');

const [cmd, ...cmdArgs] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node scripts/with-emulators.mjs <command> [args...]');
  process.exit(2);
}

function log(msg) {
  console.error(`[with-emulators] ${msg}`);
}

function sdkRootCandidates() {
  const out = [];
  if (process.env.GCLOUD_SDK_ROOT) out.push(process.env.GCLOUD_SDK_ROOT);
  out.push('/usr/lib/google-cloud-sdk', '/usr/share/google-cloud-sdk', '/opt/google-cloud-sdk');
  if (process.env.HOME) out.push(path.join(process.env.HOME, 'google-cloud-sdk'));
  return out;
}

function sdkRootFromGcloud() {
  const r = spawnSync('gcloud', ['info', '--format=value(installation.sdk_root)'], {
    encoding: 'utf8',
    env: { ...process.env, ...QUIET_ENV },
    timeout: 20_000,
  });
  const root = r.status === 0 ? r.stdout.trim() : '';
  return root || undefined;
}

function firestoreJar(root) {
  const jar = path.join(root, 'platform', 'cloud-firestore-emulator', 'cloud-firestore-emulator.jar');
  return existsSync(jar) ? jar : undefined;
}

function pubsubJar(root) {
  const dir = path.join(root, 'platform', 'pubsub-emulator', 'lib');
  if (!existsSync(dir)) return undefined;
  const jar = readdirSync(dir).filter((f) => /^cloud-pubsub-emulator-.*\.jar$/.test(f)).sort().pop();
  return jar ? path.join(dir, jar) : undefined;
}

function locateJars() {
  const tryRoots = (roots) => {
    let found = {};
    for (const root of roots) {
      found = { firestore: found.firestore ?? firestoreJar(root), pubsub: found.pubsub ?? pubsubJar(root) };
      if (found.firestore && found.pubsub) break;
    }
    return found;
  };
  let jars = tryRoots(sdkRootCandidates());
  if (!jars.firestore || !jars.pubsub) {
    const fromGcloud = sdkRootFromGcloud();
    if (fromGcloud) jars = { ...tryRoots([fromGcloud]), ...Object.fromEntries(Object.entries(jars).filter(([, v]) => v)) };
  }
  return jars;
}

function javaMissing() {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return r.error !== undefined || r.status !== 0;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Both emulators answer `GET /` with 200 "Ok" once they accept requests. */
async function waitReady(name, port, child) {
  const started = Date.now();
  while (Date.now() - started < READY_TIMEOUT_MS) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} emulator exited early (code ${child.exitCode ?? child.signalCode}); see .emulators/${name}.log`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
      const body = (await res.text()).trim();
      if (res.ok && body === 'Ok') return Date.now() - started;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${name} emulator not ready after ${READY_TIMEOUT_MS} ms; see .emulators/${name}.log`);
}

const emulators = [];

function startJava(name, args) {
  mkdirSync(LOG_DIR, { recursive: true });
  const fd = openSync(path.join(LOG_DIR, `${name}.log`), 'w');
  // detached: its own process group, so stopping it also stops anything the JVM forks.
  const child = spawn('java', args, { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...QUIET_ENV } });
  closeSync(fd);
  emulators.push({ name, child });
  return child;
}

function killGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

async function stopEmulators() {
  const live = emulators.filter(({ child }) => child.exitCode === null && child.signalCode === null);
  for (const { child } of live) killGroup(child, 'SIGTERM');
  const deadline = Date.now() + STOP_GRACE_MS;
  while (Date.now() < deadline && live.some(({ child }) => child.exitCode === null && child.signalCode === null)) await sleep(50);
  for (const { child } of live) killGroup(child, 'SIGKILL');
}

/** Synchronous last resort when the harness itself is exiting (e.g. an uncaught error). */
process.on('exit', () => {
  for (const { child } of emulators) killGroup(child, 'SIGKILL');
});

async function startEmulator(name, argsFor) {
  // A port found free can be taken before java binds it; one retry on a fresh port covers that race.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = startJava(name, argsFor(port));
    try {
      const ms = await waitReady(name, port, child);
      log(`${name} ready on 127.0.0.1:${port} in ${ms} ms`);
      return port;
    } catch (e) {
      killGroup(child, 'SIGKILL');
      if (attempt >= 2) throw e;
      log(`${e.message}; retrying on another port`);
    }
  }
}

function runChild(extraEnv) {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { stdio: 'inherit', env: { ...process.env, ...QUIET_ENV, ...extraEnv } });
    const forward = (sig) => () => {
      child.kill(sig);
    };
    const handlers = { SIGINT: forward('SIGINT'), SIGTERM: forward('SIGTERM'), SIGHUP: forward('SIGHUP') };
    for (const [sig, h] of Object.entries(handlers)) process.on(sig, h);
    child.on('error', (e) => {
      log(`could not run ${cmd}: ${e.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      for (const [sig, h] of Object.entries(handlers)) process.off(sig, h);
      resolve(code ?? (signal ? 128 + (signalNumber(signal) ?? 1) : 1));
    });
  });
}

function signalNumber(signal) {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal];
}

async function main() {
  const jars = javaMissing() ? undefined : locateJars();
  const missing = !jars
    ? ['java (17 or newer)']
    : [!jars.firestore && 'the Firestore emulator jar', !jars.pubsub && 'the Pub/Sub emulator jar'].filter(Boolean);
  if (missing.length > 0) {
    const message = `Emulators unavailable: ${missing.join(' and ')} not found.\n${INSTALL_HINT}`;
    console.error(message);
    if (process.env.CI === 'true') process.exit(1);
    log('running the command anyway with EMULATORS=missing; emulator tests will fail with this message');
    return runChild({ EMULATORS: 'missing', EMULATORS_MISSING_REASON: message, GOOGLE_CLOUD_PROJECT: PROJECT });
  }

  // Stop the emulators on a signal even while they are still starting.
  const onSignal = (sig) => () => {
    void stopEmulators().then(() => process.exit(128 + (signalNumber(sig) ?? 1)));
  };
  const early = { SIGINT: onSignal('SIGINT'), SIGTERM: onSignal('SIGTERM'), SIGHUP: onSignal('SIGHUP') };
  for (const [sig, h] of Object.entries(early)) process.on(sig, h);

  const started = Date.now();
  const [firestorePort, pubsubPort] = await Promise.all([
    startEmulator('firestore', (port) => [
      '-Duser.language=en',
      '-cp', jars.firestore,
      // The jar has no Main-Class, so the entry point is named explicitly.
      'com.google.cloud.datastore.emulator.firestore.CloudFirestore',
      'start', '--host=127.0.0.1', `--port=${port}`,
    ]),
    startEmulator('pubsub', (port) => ['-jar', jars.pubsub, '--host=127.0.0.1', `--port=${port}`]),
  ]);
  log(`emulators up in ${Date.now() - started} ms (logs in .emulators/)`);
  for (const [sig, h] of Object.entries(early)) process.off(sig, h);

  try {
    return await runChild({
      FIRESTORE_EMULATOR_HOST: `127.0.0.1:${firestorePort}`,
      PUBSUB_EMULATOR_HOST: `127.0.0.1:${pubsubPort}`,
      GOOGLE_CLOUD_PROJECT: PROJECT,
      GCLOUD_PROJECT: PROJECT,
      EMULATORS: 'up',
    });
  } finally {
    await stopEmulators();
  }
}

main().then(
  (code) => process.exit(code),
  async (e) => {
    log(e instanceof Error ? e.message : String(e));
    await stopEmulators();
    process.exit(1);
  },
);
