// Changes the local controls as fast as it can until killed, printing each completed change.
import { createLocalControlsStore } from '../../../shared/store/local/controls.local';

const store = createLocalControlsStore(process.argv[2]!);
void (async () => {
  for (let i = 0; ; i++) {
    await store.update({ tradingEnabled: i % 2 === 0, maxLots: (i % 50) + 1 }, `writer-${i}`, i);
    process.stdout.write(`W ${i}\n`);
  }
})();
