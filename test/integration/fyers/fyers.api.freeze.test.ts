import type { Instrument } from '../../../shared/symbols/instrument';
import { parseJsonSymbolMaster } from '../../../shared/symbols/parse-json-master';
import { parseSymbolMaster } from '../../../shared/symbols/parse-symbol-master';
import { sampleSymbolMaster } from '../../../shared/symbols/sample-symbol-master';
import { jsonMasterFromCsv } from '../../helpers/generate-full-json-master';
import { marketBuy, startKit, type Kit } from './fyers-test-kit';

/**
 * The exchange freeze quantity as the fake takes it from the JSON master it publishes (`qtyFreeze`): the
 * bridge reads that same file, so what the fake refuses is what the bridge was told. Real figures:
 * BANKNIFTY lot 30, freeze 600; MIDCPNIFTY lot 120, freeze 2800 (not a whole number of lots).
 */
const FILE = 'NSE_FO_sym_master.json';
const csv = sampleSymbolMaster(Date.now()).nseFo;
const master = jsonMasterFromCsv(csv, { BANKNIFTY: 600, MIDCPNIFTY: 2800 });
const contracts = parseSymbolMaster(csv).instruments;
const optionOf = (underlying: string): Instrument => {
  const i = contracts.find((c) => c.underlying === underlying && c.optionType === 'CE');
  if (!i) throw new Error(`the sample master has no ${underlying} option`);
  return i;
};
const BN = optionOf('BANKNIFTY');
const MIDCP = optionOf('MIDCPNIFTY');
const NIFTY = optionOf('NIFTY');

let kit: Kit;
beforeEach(async () => {
  // No hand-made instruments: every tradable contract, and its freeze, comes from the master.
  kit = await startKit({ instruments: [], jsonMasters: { [FILE]: master }, ltp: { [BN.ticker]: 281.4, [MIDCP.ticker]: 95.5, [NIFTY.ticker]: 120 } });
});
afterEach(() => kit.fake.close());

it('publishes the master without a login, and the bridge\'s reader finds in it the freeze the fake enforces', async () => {
  const res = await fetch(`${kit.fake.url}/sym_details/${FILE}`);
  expect(res.status).toBe(200);
  const read = parseJsonSymbolMaster(await res.text()).instruments;
  expect(read.find((i) => i.ticker === BN.ticker)?.freezeQty).toBe(600);
  expect(read.find((i) => i.ticker === NIFTY.ticker)).not.toHaveProperty('freezeQty');
  expect((await fetch(`${kit.fake.url}/sym_details/BSE_FO_sym_master.json`)).status).toBe(404);
});

it('refuses an order above the freeze without isSliceOrder, as RMS would, and takes one at the freeze', async () => {
  const above = await kit.api.placeOrder(marketBuy({ symbol: BN.ticker, qty: 630 }));
  expect(above).toEqual({ status: 'rejected', code: -99, reason: expect.stringContaining('freeze quantity 600') });
  expect(kit.fake.state.orders).toHaveLength(0);
  expect(await kit.api.placeOrder(marketBuy({ symbol: BN.ticker, qty: 600 }))).toMatchObject({ status: 'placed' });
});

it('with isSliceOrder splits into whole-lot slices of at most the freeze, all under the order\'s tag', async () => {
  // 2800 is 23⅓ lots of 120: a slice carries 23 lots (2760 units), and the rest goes last.
  const outcome = await kit.api.placeOrder(marketBuy({ symbol: MIDCP.ticker, qty: 120 * 50, slice: true, orderTag: 'tvMidcp' }));
  const orders = kit.fake.state.orders;
  expect(orders.map((o) => o.qty)).toEqual([2760, 2760, 480]);
  expect(orders.every((o) => o.qty <= 2800 && o.qty % 120 === 0 && o.orderTag === '1:tvMidcp')).toBe(true);
  expect(outcome).toMatchObject({ status: 'placed', slices: orders.map((o) => ({ orderId: o.id, status: 'accepted' })) });
});

it('enforces no freeze where the master gives none', async () => {
  expect(await kit.api.placeOrder(marketBuy({ symbol: NIFTY.ticker, qty: 65 * 100 }))).toMatchObject({ status: 'placed' });
  expect(kit.fake.state.orders.map((o) => o.qty)).toEqual([6500]);
});

it('in a basket, an order above the freeze is refused on its own, with or without isSliceOrder, never recorded whole', async () => {
  const outcomes = await kit.api.placeBasket([
    marketBuy({ symbol: BN.ticker, qty: 630, orderTag: 'tvLeg0' }),
    marketBuy({ symbol: BN.ticker, qty: 630, slice: true, orderTag: 'tvLeg1' }),
    marketBuy({ symbol: BN.ticker, qty: 30, orderTag: 'tvLeg2' }),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'placed']);
  expect(kit.fake.state.orders.map((o) => o.qty)).toEqual([30]);
});
