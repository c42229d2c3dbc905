export { startFakeFyers, DEFAULT_INSTRUMENTS, type FakeFyers, type FakeFyersOptions } from './fake-fyers.server';
export type { Fault, RouteName } from './fake-fyers.faults';
export type { FakeInstrument, FakeOrder, FakePosition, FakeState, TokenDeath } from './fake-fyers.state';
export { appIdHash, nextSixAmIst } from './fake-fyers.auth';
export { signPostback, type OrderPlan, type PlanFor, type PostbackConfig, type PostbackRecord, type PostbackSigning } from './fake-fyers.lifecycle';
