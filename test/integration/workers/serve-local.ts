// The one-port server `npm start` runs, on an ephemeral loopback port, for tests that need it in its own process.
import type { AddressInfo } from 'node:net';
import { createLocalServer } from '../../../functions/local-server';

const server = createLocalServer();
server.listen(0, '127.0.0.1', () => process.stdout.write(`LISTENING ${(server.address() as AddressInfo).port}\n`));
