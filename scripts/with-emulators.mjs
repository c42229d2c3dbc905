#!/usr/bin/env node
// Placeholder until the emulator harness lands: runs the command as given.
import { spawnSync } from 'node:child_process';
const [cmd, ...args] = process.argv.slice(2);
const r = spawnSync(cmd, args, { stdio: 'inherit', shell: false, env: { ...process.env, METADATA_SERVER_DETECTION: 'none' } });
process.exit(r.status ?? 1);
