import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startHarness, type Harness } from '../helpers/bridge-harness';

/**
 * The README's local shell blocks are run as pasted, by bash, against the one-port local server on
 * the paper broker, the way a reader on a fresh clone would run them. Only the port differs: the test
 * server listens on a free one instead of 8080.
 */
const root = path.resolve(__dirname, '../..');
/** The README and the docs it links to: a reader pastes from all of them. */
const README = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
  .map((f) => fs.readFileSync(path.join(root, f), 'utf8'))
  .join('\n');
const shellBlocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
const run = promisify(execFile);

/** The README's operator key for local runs, as its `CONTROLS_KEY=… npm start` line sets it. */
const LOCAL_KEY = /CONTROLS_KEY=(\S+) npm start/.exec(README)?.[1];

let bridge: Harness | undefined;
let port: string;

beforeAll(async () => {
  expect(LOCAL_KEY).toBeDefined();
  bridge = await startHarness({ label: 'readme', env: { BROKER: 'paper', CONTROLS_KEY: LOCAL_KEY, LOG_LEVEL: 'ERROR' }, localServer: true });
  port = new URL(bridge.url!).port;
});

afterAll(() => bridge?.close());

const block = (marker: string) => {
  const found = shellBlocks.find((b) => b.includes(marker));
  if (!found) throw new Error(`README has no sh block containing ${marker}`);
  return found;
};

async function bash(script: string): Promise<string[]> {
  const local = script.replaceAll('localhost:8080', `127.0.0.1:${port}`);
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', local.replaceAll(/\n(?=curl)/g, '\necho;')], { timeout: 20_000 });
  return stdout.split('\n').filter((l) => l.trim() !== '');
}

describe("the README's local commands, run as pasted", () => {
  it('the quick-start curl places a paper order', async () => {
    const [reply] = await bash(block('curl -s -X POST localhost:8080/webhook'));
    expect(JSON.parse(reply!)).toMatchObject({ status: 'filled', side: 'BUY', lots: 1 });
  });

  it('the controls block reads, switches trading off, sets limits and reads the audit', async () => {
    const replies = (await bash(block('URL=http://localhost:8080/controls'))).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(replies).toHaveLength(4);
    for (const r of replies) expect(r.status).toBe('ok');
    expect(replies[1]).toMatchObject({ controls: { tradingEnabled: false } });
    expect(replies[2]).toMatchObject({ controls: { maxLots: 2, dailyOrderCap: 40, reduceOnly: true } });
    expect(replies[3]).toHaveProperty('entries');
  });
});

describe("the README's shell blocks", () => {
  it('define every variable a curl uses before using it', () => {
    const curlBlocks = shellBlocks.filter((b) => b.includes('curl '));
    expect(curlBlocks.length).toBeGreaterThanOrEqual(3);
    for (const b of curlBlocks) {
      const defined = new Set<string>();
      for (const line of b.split('\n')) {
        const assigned = /^([A-Z_][A-Z0-9_]*)=/.exec(line);
        if (assigned) defined.add(assigned[1]!);
        if (!line.includes('curl ') && !line.trimStart().startsWith('-H')) continue;
        const used = [...line.replaceAll(/\$\([^)]*\)/g, '').matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!);
        for (const v of used) expect({ block: b.slice(0, 60), variable: v, defined: defined.has(v) }).toEqual({ block: b.slice(0, 60), variable: v, defined: true });
      }
    }
  });

  it('show the cloud form of controls with the identity in X-Serverless-Authorization', () => {
    const cloud = block('X-Serverless-Authorization');
    expect(cloud).toMatch(/KEY="\$\(gcloud secrets versions access latest --secret=controls-key\)"/);
    expect(cloud).toMatch(/URL="\$\(terraform -chdir=terraform output -json function_urls \| jq -r \.controls\)"/);
  });
});
