import type { Position } from '../../shared/broker/broker.port';
import { formatIst, istParts } from '../../shared/platform/ist';
import type { RuntimeControls } from '../../shared/store/controls.port';
import type { Notification } from '../../shared/notify/notifier.port';
import { CONSOLE_CSS } from './console-style';
import type { ActionResult, ConsoleAction } from './console-actions';
import { strategyViews, unattributedOrders, type OrderLine, type ProtectionLine, type StrategyView } from './console-strategies';
import type { OrderRecord } from '../../shared/orders/lifecycle/order-record';
import type { Holding } from '../../shared/store/holdings.port';
import { alertWords, contractName, legLines, singleOrderWords } from './console-words';
import type { ConsoleView, Part } from './console-view';

/** Server-rendered pages of the console: no script, every value escaped, every change a form post. */
const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string, header = '', refreshSeconds?: number) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  (refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : '') +
  `<meta name="referrer" content="no-referrer"><link rel="icon" href="data:,"><title>${esc(title)}</title><style>${CONSOLE_CSS}</style></head>` +
  `<body>${header}<main>${body}</main></body></html>`;

const clockTime = (ms: number) => {
  const p = istParts(ms);
  const s = new Date(ms).getUTCSeconds();
  return `${String(Math.floor(p.minutes / 60)).padStart(2, '0')}:${String(p.minutes % 60).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
};

/** "5 h 12 min", "3 min", "now". */
export function duration(ms: number): string {
  const min = Math.floor(Math.abs(ms) / 60_000);
  if (min === 0) return 'under a minute';
  const h = Math.floor(min / 60);
  if (h >= 48) return `${Math.floor(h / 24)} days`;
  return h > 0 ? `${h} h ${min % 60} min` : `${min} min`;
}

const money = (x: number) => `${x < 0 ? '−' : ''}₹${Math.abs(x).toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const price = (x: number | undefined) => (x === undefined ? '—' : x.toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));

/** A table cell that folds into "label: value" on a phone. */
const td = (label: string, html: string, cls = '') => `<td data-label="${esc(label)}"${cls ? ` class="${cls}"` : ''}><div>${html}</div></td>`;

const unavailable = (p: { ok: false; error: string }) => `<p class="bad">Could not be read: ${esc(p.error)}.</p>`;

const csrfField = (csrf: string) => `<input type="hidden" name="csrf" value="${esc(csrf)}">`;

export interface PageContext {
  /** Path prefix of the console: '' in the cloud (the function's root), '/console' on the local server. */
  base: string;
  csrf: string;
  loginUrl?: string;
  sessionExpiresAt: number;
  flash?: string;
  /** `refusals`: the alerts list shows refusals only. */
  only?: 'refusals';
}

function topBar(ctx: PageContext, now: number): string {
  return (
    `<header class="top"><h1>tv-fyers-bridge console</h1><span class="now">${esc(formatIst(now))}</span>` +
    `<form method="post" action="${esc(ctx.base)}/logout">${csrfField(ctx.csrf)}<button type="submit">Log out</button></form></header>`
  );
}

/** Readiness checks in words: what is wrong and what it means for the next alert. */
const CHECK_WORDS: Record<string, string> = {
  broker: 'Broker session',
  killSwitch: 'Kill switch',
  exchangeSession: 'Exchange session',
  symbolMaster: 'Symbol master',
  store: 'Bridge store',
  secrets: 'Secrets',
  controls: 'Controls',
};
const checkName = (name: string) => CHECK_WORDS[name] ?? name;

function banner(view: ConsoleView): string {
  if (!view.checks.ok) return `<section class="banner bad" id="status">NOT READY: readiness could not be checked (${esc(view.checks.error)}).</section>`;
  const failing = Object.entries(view.checks.value).filter(([, c]) => !c.ok);
  if (failing.length === 0) return `<section class="banner ok" id="status">READY: the next alert would place its order.</section>`;
  return (
    `<section class="banner bad" id="status">NOT READY: the next alert would be refused.<ul>` +
    failing.map(([name, c]) => `<li><strong>${esc(checkName(name))}</strong>: ${esc(c.detail ?? 'not ready')}</li>`).join('') +
    `</ul></section>`
  );
}

const pnlSpan = (x: number | undefined) => (x === undefined ? '<span class="muted">—</span>' : `<span class="${x < 0 ? 'bad' : 'ok'}">${esc(money(x))}</span>`);

/** Today's P&L over the broker's positions: realised + unrealised, as the broker reports it. */
function dayPnl(view: ConsoleView): number | undefined {
  if (!view.positions.ok) return undefined;
  const known = view.positions.value.filter((p) => p.pnl !== undefined || p.realized !== undefined || p.unrealized !== undefined);
  if (known.length === 0) return view.positions.value.length === 0 ? 0 : undefined;
  return known.reduce((s, p) => s + (p.pnl ?? (p.realized ?? 0) + (p.unrealized ?? 0)), 0);
}

/** The first screen: the day's P&L, the funds and the kill switch, whose button says what it will do. */
function todayCard(view: ConsoleView, ctx: PageContext): string {
  const pnl = dayPnl(view);
  const funds = view.funds.ok ? esc(money(view.funds.value.available)) : `<span class="muted">unavailable</span>`;
  let kill = `<p class="bad">Kill switch state unavailable: ${esc(view.controls.ok ? '' : view.controls.error)}</p>`;
  if (view.controls.ok) {
    const on = view.controls.value.tradingEnabled;
    kill =
      (on ? `<p class="ok" id="trading-state"><strong>Trading is ON</strong>: alerts place orders.</p>` : `<p class="bad" id="trading-state"><strong>Trading is OFF</strong> (kill switch): every alert is refused.</p>`) +
      `<form method="post" action="${esc(ctx.base)}/confirm">${csrfField(ctx.csrf)}<input type="hidden" name="tradingEnabled" value="${on ? 'false' : 'true'}">` +
      (on ? `<button type="submit" class="danger">Stop trading: refuse every new alert</button>` : `<button type="submit" class="go">Resume trading: let alerts place orders</button>`) +
      `</form>`;
  }
  return (
    `<section class="card" id="today"><h2>Today</h2><dl class="big-dl"><dt>Day P&amp;L</dt><dd id="day-pnl" class="big">${pnlSpan(pnl)}</dd>` +
    `<dt>Funds available</dt><dd id="funds" class="big">${funds}</dd></dl><p class="muted">P&amp;L is realised + unrealised over the account's positions, as the broker reports them.</p>${kill}</section>`
  );
}

function sessionCard(view: ConsoleView, ctx: PageContext): string {
  const broker = view.checks.ok ? view.checks.value.broker : undefined;
  const expiresAt = typeof broker?.expiresAt === 'string' ? Date.parse(broker.expiresAt) : undefined;
  const paper = view.brokerName === 'paper';
  const state = paper
    ? `<p class="big ok">Paper broker</p><p class="muted">Orders are simulated here; no broker login exists or is needed.</p>`
    : !broker
      ? `<p class="big bad">Unknown</p>`
      : broker.ok
        ? `<p class="big ok">Session valid</p>`
        : `<p class="big bad">Not valid</p><p class="bad">${esc(broker.detail ?? '')}</p>`;
  const expiry =
    expiresAt !== undefined && Number.isFinite(expiresAt)
      ? `<dt>Ends</dt><dd>${esc(formatIst(expiresAt))}</dd><dt>Time left</dt><dd id="session-countdown" class="${expiresAt - view.now < 3_600_000 ? 'bad' : ''}">${expiresAt > view.now ? `in ${esc(duration(expiresAt - view.now))}` : `ended ${esc(duration(view.now - expiresAt))} ago`}</dd>`
      : '';
  const exchange = view.exchange.open
    ? `open, closes ${esc(formatIst(view.exchange.closesAt!))} (in ${esc(duration(view.exchange.closesAt! - view.now))})`
    : view.exchange.closesAt
      ? `opens later today, closes ${esc(formatIst(view.exchange.closesAt))}`
      : 'closed for the day';
  // Every mode says what is true of it: paper needs no login; Fyers either has a login page or says how to get one.
  const login = paper
    ? ''
    : ctx.loginUrl
      ? `<p><a class="button" id="login-link" href="${esc(ctx.loginUrl)}">Log in to Fyers</a></p>`
      : `<p class="bad" id="login-link-missing">No login page is configured for this server: set PUBLIC_BASE_URL (or LOGIN_URL) and open its /authUrl to log in to Fyers.</p>`;
  return (
    `<section class="card" id="session"><h2>Broker (${esc(view.brokerName)})</h2>${state}` +
    `<dl>${expiry}<dt>Exchange</dt><dd>${exchange}</dd></dl>${login}</section>`
  );
}

function controlsCard(view: ConsoleView, ctx: PageContext): string {
  if (!view.controls.ok) return `<section class="card" id="controls"><h2>Limits</h2>${unavailable(view.controls)}</section>`;
  const c = view.controls.value;
  return (
    `<section class="card" id="controls"><h2>Limits</h2>` +
    `<dl><dt>Max lots</dt><dd>${c.maxLots ?? `${view.defaultMaxLots} (deployed default)`}</dd><dt>Daily order cap</dt><dd>${c.dailyOrderCap ?? 'none'}</dd>` +
    `<dt>Reduce-only</dt><dd>${c.reduceOnly ? 'on: alerts only close positions' : 'off'}</dd></dl>` +
    `<p><a class="button secondary" href="${esc(ctx.base)}/limits">Change limits</a></p></section>`
  );
}

function readinessCard(view: ConsoleView): string {
  if (!view.checks.ok) return `<section class="card" id="readiness"><h2>Readiness</h2>${unavailable(view.checks)}</section>`;
  const items = Object.entries(view.checks.value)
    .map(([name, c]) => `<li class="${c.ok ? 'ok' : 'bad'}">${c.ok ? '✓' : '✗'} <strong>${esc(checkName(name))}</strong>${c.ok ? '' : `: ${esc(c.detail ?? 'not ready')}`}</li>`)
    .join('');
  return `<section class="card" id="readiness"><h2>Readiness</h2><ul class="checks">${items}</ul></section>`;
}

function symbolCard(view: ConsoleView): string {
  if (!view.symbolMaster.ok) return `<section class="card" id="symbols"><h2>Symbol master</h2>${unavailable(view.symbolMaster)}</section>`;
  const s = view.symbolMaster.value;
  const age = s.publishedAt !== undefined ? view.now - s.publishedAt : undefined;
  return (
    `<section class="card" id="symbols"><h2>Symbol master</h2><dl>` +
    `<dt>Version</dt><dd>${esc(s.version)}</dd><dt>Contracts</dt><dd>${s.instruments.toLocaleString('en-IN')}</dd>` +
    `<dt>Published</dt><dd>${s.publishedAt !== undefined ? `${esc(formatIst(s.publishedAt))}` : esc(s.source)}</dd>` +
    (age !== undefined ? `<dt>Age</dt><dd class="${age > 26 * 3_600_000 ? 'bad' : ''}">${esc(duration(age))}</dd>` : '') +
    `</dl></section>`
  );
}

const nameOf = (view: ConsoleView) => (ticker: string) => contractName(ticker, view.instrument, view.now);

const actionForm = (ctx: PageContext, fields: Record<string, string>, label: string, cls = 'secondary') =>
  `<form class="inline" method="post" action="${esc(ctx.base)}/act">${csrfField(ctx.csrf)}` +
  Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('') +
  `<button type="submit" class="${cls} small">${esc(label)}</button></form>`;

const RECORD_WORDS: Record<string, string> = { accepted: 'working', partially_filled: 'partly filled', filled: 'filled', rejected: 'rejected', cancelled: 'cancelled', expired: 'expired', unknown: 'not confirmed' };
const ROLE_WORDS: Record<string, string> = { entry: 'Entry', stop: 'Stop', target: 'Target', flatten: 'Flatten' };

function orderLine(o: OrderLine, name: (t: string) => string, ctx: PageContext, venue?: 'paper'): string {
  const r = o.record;
  const fill = r.filledQty > 0 ? ` · ${r.filledQty} filled${r.avgPrice !== undefined ? ` @ ${price(r.avgPrice)}` : ''}` : '';
  const broker = o.brokerState ? ` <span class="muted">(broker: ${esc(o.brokerState)})</span>` : '';
  const cancel = o.cancellable ? actionForm(ctx, { kind: 'cancel', recordId: r.id, ...(venue ? { venue } : {}) }, 'Cancel order') : '';
  return (
    `<li id="o-${esc(r.id)}"><span class="muted">${esc(clockTime(r.createdAt))}</span> ${esc(ROLE_WORDS[r.role] ?? r.role)}: ${r.side === 'BUY' ? 'buy' : 'sell'} ${r.qty} ${esc(name(r.symbol))} — ` +
    `<span class="badge ${STATE_CLASS[RECORD_WORDS[r.state] ?? ''] ?? ''}">${esc(RECORD_WORDS[r.state] ?? r.state)}</span>${esc(fill)}${broker}` +
    `${r.state === 'rejected' && r.message ? `<div class="bad">${esc(r.message)}</div>` : ''}${cancel}</li>`
  );
}

function protectionLine(p: ProtectionLine, name: (t: string) => string): string {
  const leg = (label: string, l: ProtectionLine['stop']) =>
    l ? `${label} ${l.level !== undefined ? esc(price(l.level)) : '(level after the fill)'} <span class="${l.status === 'working' ? 'ok' : 'warn'}">${esc(l.status)}</span>${l.brokerState ? ` <span class="muted">(broker: ${esc(l.brokerState)})</span>` : ''}` : '';
  const parts = [leg('Stop', p.stop), leg('Target', p.target)].filter(Boolean).join(' · ');
  return `<li>${esc(name(p.symbol))}: ${parts}${p.trailing ? ' · trailing' : ''}${p.done ? ` · ended (${esc(p.done)})` : ''}</li>`;
}

/** The live book or the forward test's, as page parts. */
function bookOf(view: ConsoleView, venue: 'paper' | undefined): { holdings: Part<Holding[]>; records: Part<OrderRecord[]> } {
  if (venue !== 'paper') return { holdings: view.holdings, records: view.records };
  const p = view.paper ?? { ok: false as const, error: 'no paper book here' };
  return p.ok ? { holdings: { ok: true, value: p.value.holdings }, records: { ok: true, value: p.value.records } } : { holdings: p, records: p };
}

function strategiesSection(view: ConsoleView, ctx: PageContext): string {
  const head = `<h2>Strategies</h2>`;
  const missing = [view.holdings, view.records].find((x) => !x.ok) as { ok: false; error: string } | undefined;
  if (missing) return `<section class="card" id="strategies">${head}${unavailable(missing)}</section>`;
  const live = strategyViews({
    holdings: view.holdings.ok ? view.holdings.value : [],
    records: view.records.ok ? view.records.value : [],
    positions: view.positions.ok ? view.positions.value : [],
    brokerOrders: view.orders.ok ? view.orders.value : [],
  });
  const paperBook = view.paper?.ok ? view.paper.value : undefined;
  const paper = paperBook ? strategyViews({ ...paperBook, brokerOrders: [] }) : [];
  const venues = view.controls.ok ? view.controls.value.strategyVenue ?? {} : {};
  const isPaper = (id: string) => (venues[id] ?? (view.paperStrategies.includes(id) ? 'paper' : 'live')) === 'paper';
  const switches = view.paper ? switchesLine(view, ctx, isPaper, [...live, ...paper].map((s) => s.name)) : '';
  const paperDown = view.paper && !view.paper.ok ? `<p class="warn">Paper strategies: ${esc(view.paper.error)}</p>` : '';
  if (live.length + paper.length === 0) return `<section class="card" id="strategies">${head}<p class="muted">No strategy has held or traded anything today.</p>${paperDown}${switches}</section>`;
  const name = nameOf(view);
  const card = (s: StrategyView, venue: 'paper' | undefined) => {
    const on: Record<string, string> = venue ? { venue } : {};
    const held = s.held.length
      ? `<ul class="held">${s.held
          .map(
            (h) =>
              `<li><strong>${h.leg.side === 'BUY' ? 'Long' : 'Written'} ${h.leg.qty} ${esc(name(h.leg.ticker))}</strong>` +
              `<div class="muted">avg ${esc(price(h.avgPrice))} · LTP ${esc(price(h.ltp))} · ${pnlSpan(h.unrealised)} · ${venue ? `paper book holds ${h.brokerNetQty ?? 0}` : `broker holds ${h.brokerNetQty ?? 0}`}</div>` +
              actionForm(ctx, { kind: 'exit', strategy: s.name, underlying: h.underlying, ticker: h.leg.ticker, side: h.leg.side, ...on }, 'Exit this position') +
              `</li>`,
          )
          .join('')}</ul>`
      : `<p class="muted">Holds nothing in the bridge's book.</p>`;
    const waiting = s.waiting.length
      ? `<p class="muted">Still at the broker, settled by its next signal: ${s.waiting.map((w) => `${w.intent} ${w.side === 'BUY' ? 'buy' : 'sell'} ${w.qty} ${esc(name(w.ticker))} (${w.filledQty} filled)`).join('; ')}</p>`
      : '';
    const prot = s.protection.length ? `<h3>Protection</h3><ul class="prot">${s.protection.map((p) => protectionLine(p, name)).join('')}</ul>` : `<p class="muted">No stop or target managed by the bridge.</p>`;
    const orders = s.orders.length ? `<details><summary>Orders today (${s.orders.length})</summary><ul class="orders">${s.orders.map((o) => orderLine(o, name, ctx, venue)).join('')}</ul></details>` : '';
    const flatten = s.held.length || s.waiting.length ? actionForm(ctx, { kind: 'flatten', strategy: s.name, ...on }, `Flatten ${s.name}${venue ? ' on paper' : ''}`, 'danger') : '';
    const badge = venue ? ' <span class="badge warn">paper</span>' : '';
    return `<article class="strategy${venue ? ' paper' : ''}" id="s-${venue ? 'paper-' : ''}${esc(s.name.replace(/[^A-Za-z0-9_.-]/g, '_'))}"><h3>${esc(s.name)}${badge} <span class="pnl">${pnlSpan(s.pnl)}</span></h3>${held}${waiting}${prot}${orders}${flatten}</article>`;
  };
  const cards = [...live.map((s) => card(s, undefined)), ...paper.map((s) => card(s, 'paper'))].join('');
  return `<section class="card" id="strategies">${head}${cards}${paperDown}${switches}</section>`;
}

const STRATEGY_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** Where each known strategy trades, with the switch to the other side (confirmed before it applies). */
function switchesLine(view: ConsoleView, ctx: PageContext, isPaper: (id: string) => boolean, seen: string[]): string {
  const venues = view.controls.ok ? Object.keys(view.controls.value.strategyVenue ?? {}) : [];
  // Only strategy ids can trade on paper (a single order's free-text label cannot): the switch is for them.
  const ids = [...new Set([...seen, ...view.paperStrategies, ...venues])].filter((id) => STRATEGY_ID.test(id)).sort();
  if (ids.length === 0) return '';
  const rows = ids
    .map((id) => {
      const paper = isPaper(id);
      return `<li>${esc(id)}: <strong>${paper ? 'paper' : 'live'}</strong>${actionForm(ctx, { kind: 'venue', strategy: id, to: paper ? 'live' : 'paper' }, paper ? 'Switch to live' : 'Switch to paper', paper ? 'danger' : undefined)}</li>`;
    })
    .join('');
  return `<h3 id="venues">Paper or live</h3><ul class="venues">${rows}</ul><p class="muted">Paper strategies fill at live prices on the paper book; nothing of theirs reaches the broker.</p>`;
}

function alertsCard(view: ConsoleView, ctx: PageContext): string {
  const all = view.alerts.ok ? view.alerts.value : [];
  const words = new Map(all.map((e) => [e.requestId, alertWords(e)]));
  const shown = ctx.only === 'refusals' ? all.filter((e) => words.get(e.requestId)!.refused) : all;
  const filter =
    ctx.only === 'refusals'
      ? `<p class="filter">Showing refusals only · <a href="${esc(ctx.base)}/#alerts">show all</a></p>`
      : `<p class="filter"><a id="refusals-only" href="${esc(ctx.base)}/?only=refusals#alerts">Refusals only</a></p>`;
  const head = `<h2>Today's alerts${view.alerts.ok ? ` (${shown.length}${ctx.only === 'refusals' ? ` of ${all.length}` : ''})` : ''}</h2>`;
  if (!view.alerts.ok) return `<section class="card" id="alerts">${head}${unavailable(view.alerts)}</section>`;
  if (all.length === 0) return `<section class="card" id="alerts">${head}<p class="muted">No alert yet today.</p></section>`;
  const name = nameOf(view);
  const firstByKey = new Map<string, string>();
  for (const e of [...all].sort((a, b) => a.receivedAt - b.receivedAt)) if (e.idempotencyKey && e.status !== 'duplicate' && !firstByKey.has(e.idempotencyKey)) firstByKey.set(e.idempotencyKey, e.requestId);
  const items = shown
    .map((e) => {
      const w = words.get(e.requestId)!;
      const a = e.alert ?? {};
      const who = e.actor === 'console' ? 'Console (operator)' : typeof a.strategy === 'string' ? a.strategy : typeof a.comment === 'string' ? a.comment : '';
      const legs = legLines(e, name);
      const single = legs.length === 0 ? singleOrderWords(e, name) : undefined;
      const original = e.status === 'duplicate' && e.idempotencyKey ? firstByKey.get(e.idempotencyKey) : undefined;
      return (
        `<li id="a-${esc(e.requestId)}" class="alert ${w.tone}"><div><span class="muted">${esc(clockTime(e.receivedAt))}</span> <strong>${esc(who)}</strong></div>` +
        `<div class="${w.tone}">${esc(w.headline)}</div>` +
        (single ? `<div class="muted">${esc(single)}</div>` : '') +
        (legs.length ? `<ul class="legs">${legs.map((l) => `<li class="${l.tone}">${esc(l.text)}</li>`).join('')}</ul>` : '') +
        (original ? `<div><a href="#a-${esc(original)}">the original alert</a></div>` : '') +
        `</li>`
      );
    })
    .join('');
  return `<section class="card" id="alerts">${head}${filter}<ul class="alerts">${items}</ul></section>`;
}

/** Requests that did not carry the webhook secret: counted per source and hour, never listed as alerts. */
function noiseCard(view: ConsoleView): string {
  if (!view.noise.ok) return `<section class="card" id="noise"><h2>Requests without the secret</h2>${unavailable(view.noise)}</section>`;
  if (view.noise.value.length === 0) return '';
  const total = view.noise.value.reduce((s, n) => s + n.count, 0);
  const rows = view.noise.value
    .slice(0, 50)
    .map((n) => `<tr>${td('Hour', esc(`${String(n.hour).padStart(2, '0')}:00`))}${td('Source', esc(n.source))}${td('Requests', esc(n.count), 'num')}</tr>`)
    .join('');
  return (
    `<section class="card" id="noise"><h2>Requests without the secret (${esc(total)})</h2>` +
    `<p class="muted">Refused before they counted as alerts. Many from one source means someone is guessing; the secret's length is what stops them.</p>` +
    `<table class="stack"><thead><tr><th>Hour</th><th>Source</th><th class="num">Requests</th></tr></thead><tbody>${rows}</tbody></table></section>`
  );
}

const STATE_CLASS: Record<string, string> = { filled: 'ok', 'partly filled': 'warn', working: 'warn', 'in transit': 'warn', rejected: 'bad', cancelled: 'bad', expired: 'bad', 'not confirmed': 'warn' };

/** Today's orders the bridge placed outside any strategy, from its own records with the broker's word beside. */
function ordersCard(view: ConsoleView, ctx: PageContext): string {
  if (!view.records.ok) return `<section class="card" id="orders"><h2>Other orders today</h2>${unavailable(view.records)}</section>`;
  const lines = unattributedOrders(view.records.value, view.orders.ok ? view.orders.value : []);
  const head = `<h2>Other orders today (${lines.length})</h2>`;
  if (lines.length === 0) return `<section class="card" id="orders">${head}<p class="muted">Every order today belongs to a strategy above.</p></section>`;
  return `<section class="card" id="orders">${head}<ul class="orders">${lines.map((o) => orderLine(o, nameOf(view), ctx)).join('')}</ul></section>`;
}

function positionsCard(view: ConsoleView): string {
  const head = `<h2>Broker positions (whole account)</h2>`;
  if (!view.positions.ok) return `<section class="card" id="positions">${head}${unavailable(view.positions)}</section>`;
  const list = view.positions.value;
  if (list.length === 0) return `<section class="card" id="positions">${head}<p class="muted">No open position.</p></section>`;
  const name = nameOf(view);
  const rows = list
    .map(
      (p: Position) =>
        `<tr>${td('Contract', `${esc(name(p.symbol))}<div class="muted">${esc(p.productType)}</div>`)}${td('Net qty', `${p.netQty}`, 'num')}` +
        `${td('Avg', `${esc(price(p.avgPrice))}`, 'num')}${td('LTP', `${esc(price(p.ltp))}`, 'num')}${td('P&L', `${pnlSpan(p.pnl)}`, 'num')}</tr>`,
    )
    .join('');
  const known = list.filter((p) => p.pnl !== undefined);
  const total = known.length ? `<tr><td class="label-only" colspan="4"><strong>Total</strong></td>${td('Total P&L', `<strong>${pnlSpan(known.reduce((s, p) => s + p.pnl!, 0))}</strong>`, 'num')}</tr>` : '';
  return (
    `<section class="card" id="positions">${head}<table class="stack"><thead><tr><th>Contract</th><th class="num">Net qty</th><th class="num">Avg</th><th class="num">LTP</th><th class="num">P&amp;L</th></tr></thead>` +
    `<tbody>${rows}${total}</tbody></table></section>`
  );
}

const SEVERITY_CLASS: Record<Notification['severity'], string> = { info: '', warning: 'warn', critical: 'bad' };

function notificationsCard(view: ConsoleView): string {
  const head = `<h2>Recent notifications</h2>`;
  if (!view.notifications.ok) return `<section class="card" id="notifications">${head}${unavailable(view.notifications)}</section>`;
  if (view.notifications.value.length === 0) return `<section class="card" id="notifications">${head}<p class="muted">Nothing sent yet.</p></section>`;
  const items = view.notifications.value
    .map((n) => `<li><span class="badge ${SEVERITY_CLASS[n.severity]}">${esc(n.severity)}</span> <span class="muted">${esc(formatIst(n.at))}</span><div>${esc(n.summary)}</div></li>`)
    .join('');
  return `<section class="card" id="notifications">${head}<ul class="notes">${items}</ul></section>`;
}

/** Seconds between the dashboard's own reloads (a meta refresh: no script). Forms live on other pages. */
export const REFRESH_SECONDS = 60;

export function dashboardPage(view: ConsoleView, ctx: PageContext): string {
  const flash = ctx.flash ? `<section class="banner info" id="flash">${esc(ctx.flash)}</section>` : '';
  const body =
    flash +
    banner(view) +
    todayCard(view, ctx) +
    strategiesSection(view, ctx) +
    alertsCard(view, ctx) +
    ordersCard(view, ctx) +
    positionsCard(view) +
    `<div class="grid">${sessionCard(view, ctx)}${controlsCard(view, ctx)}${readinessCard(view)}${symbolCard(view)}</div>` +
    notificationsCard(view) +
    noiseCard(view) +
    `<p class="muted">This page reloads itself every ${REFRESH_SECONDS} s. Console session ends ${esc(formatIst(ctx.sessionExpiresAt))}.</p>`;
  return page('Console', body, topBar(ctx, view.now), REFRESH_SECONDS);
}

export function loginPage(base: string, message?: string, status: 'error' | 'locked' = 'error'): string {
  return page(
    'Console login',
    `<section class="card"><h2>Operator console</h2>${message ? `<p class="${status === 'locked' ? 'warn' : 'bad'}" id="login-message">${esc(message)}</p>` : ''}` +
      `<form method="post" action="${esc(base)}/login"><label>Operator key<input type="password" name="key" autocomplete="current-password" required></label>` +
      `<p><button type="submit">Open the console</button></p></form>` +
      `<p class="muted">The key is the controls-key secret. It travels in the form body, never in the address; wrong keys from one address are slowed down; the right key always works.</p></section>`,
  );
}

const LABELS: Record<keyof RuntimeControls, string> = { tradingEnabled: 'Trading', maxLots: 'Max lots', dailyOrderCap: 'Daily order cap', reduceOnly: 'Reduce-only', strategyDay: 'Strategies stopped today', strategyVenue: 'Strategy venues' };

function shown(key: keyof RuntimeControls, value: unknown, defaultMaxLots: number): string {
  if (key === 'tradingEnabled') return value ? 'ON: alerts place orders' : 'OFF: every alert refused (kill switch)';
  if (key === 'reduceOnly') return value ? 'on' : 'off';
  if (key === 'strategyVenue' && value && typeof value === 'object') return Object.entries(value).map(([id, v]) => `${id}: ${v}`).join(', ') || 'none';
  if (value === undefined || value === null) return key === 'maxLots' ? `${defaultMaxLots} (deployed default)` : 'none';
  return String(value);
}

export interface ConfirmContext extends PageContext {
  before: RuntimeControls;
  /** The fields to change, as they will be posted again on confirmation ('' clears). */
  form: Record<string, string>;
  change: Partial<RuntimeControls>;
  defaultMaxLots: number;
}

export function confirmPage(ctx: ConfirmContext, now: number): string {
  const keys = Object.keys(ctx.change) as Array<keyof RuntimeControls>;
  const rows = keys.map((k) => `<tr>${td('Control', `${esc(LABELS[k])}`)}${td('Now', `${esc(shown(k, ctx.before[k], ctx.defaultMaxLots))}`)}${td('After', `<strong>${esc(shown(k, ctx.change[k], ctx.defaultMaxLots))}</strong>`)}</tr>`).join('');
  const stopping = ctx.change.tradingEnabled === false;
  const hidden = Object.entries(ctx.form).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
  return page(
    'Confirm the change',
    `<section class="card" id="confirm"><h2>Confirm the change</h2><table class="stack"><thead><tr><th>Control</th><th>Now</th><th>After</th></tr></thead><tbody>${rows}</tbody></table>` +
      (stopping ? `<p class="bad">Every alert will be refused until trading is resumed. Orders already at the exchange stay as they are.</p>` : '') +
      `<form class="row" method="post" action="${esc(ctx.base)}/apply">${csrfField(ctx.csrf)}${hidden}<button type="submit" class="${stopping ? 'danger' : 'go'}">Confirm</button>` +
      `<a class="button secondary" href="${esc(ctx.base)}/">Cancel</a></form></section>`,
    topBar(ctx, now),
  );
}

export function messagePage(title: string, detail: string, base: string): string {
  return page(title, `<section class="card"><h2>${esc(title)}</h2><p>${esc(detail)}</p><p><a class="button secondary" href="${esc(base)}/">Back to the console</a></p></section>`);
}

export type { Part };

/** The limits form, on its own page so the dashboard's refresh never wipes a half-typed value. */
export function limitsPage(c: RuntimeControls, defaultMaxLots: number, ctx: PageContext, now: number): string {
  return page(
    'Change limits',
    `<section class="card" id="limits"><h2>Change limits</h2>` +
      `<form class="row" method="post" action="${esc(ctx.base)}/confirm">${csrfField(ctx.csrf)}` +
      `<label>Max lots<input type="number" name="maxLots" min="0" max="10000" inputmode="numeric" value="${c.maxLots ?? ''}" placeholder="${defaultMaxLots}"></label>` +
      `<label>Daily cap<input type="number" name="dailyOrderCap" min="0" max="100000" inputmode="numeric" value="${c.dailyOrderCap ?? ''}" placeholder="none"></label>` +
      `<label>Reduce-only<select name="reduceOnly"><option value="false"${c.reduceOnly ? '' : ' selected'}>off</option><option value="true"${c.reduceOnly ? ' selected' : ''}>on</option></select></label>` +
      `<button type="submit" class="secondary">Review change</button></form>` +
      `<p class="muted">Empty clears an override. Every change asks for confirmation, is audited and is sent to your phone.</p>` +
      `<p><a class="button secondary" href="${esc(ctx.base)}/">Back to the console</a></p></section>`,
    topBar(ctx, now),
  );
}

/** What an action will do, in words, before anything is sent. */
function actionSentence(a: ConsoleAction, view: ConsoleView): { title: string; detail: string } {
  const name = nameOf(view);
  if (a.kind === 'venue') {
    return a.to === 'paper'
      ? { title: `Switch ${a.strategy} to paper?`, detail: `From its next alert, ${a.strategy} trades on the paper book at live prices: nothing of it reaches the broker. Refused while it still holds positions at the broker.` }
      : { title: `Switch ${a.strategy} to live?`, detail: `From its next alert, ${a.strategy} sends real orders to the broker, with real money. Refused while it still holds positions on paper.` };
  }
  const book = bookOf(view, 'venue' in a ? a.venue : undefined);
  if (a.kind === 'exit') {
    const held = book.holdings.ok ? book.holdings.value.find((h) => h.strategy === a.strategy && h.underlying === a.underlying)?.legs.find((l) => l.ticker === a.ticker && l.side === a.side) : undefined;
    const qty = held ? `${held.qty} ` : '';
    return {
      title: 'Exit this position?',
      detail: `For ${a.strategy}: ${a.side === 'BUY' ? 'sell' : 'buy back'} ${qty}${name(a.ticker)}, at market, in one closing order (above the freeze limit, in slices). Its stop and target, and other working orders in this contract, are cancelled first. Nothing else is touched.`,
    };
  }
  if (a.kind === 'flatten') {
    const legs = book.holdings.ok ? book.holdings.value.filter((h) => h.strategy === a.strategy).flatMap((h) => h.legs) : [];
    return {
      title: `Flatten ${a.strategy}?`,
      detail: `Close everything ${a.strategy} holds (${legs.map((l) => `${l.qty} ${name(l.ticker)}`).join(', ') || 'nothing held now'}) at market, written legs bought back first, after cancelling its working orders in those contracts.`,
    };
  }
  const r = book.records.ok ? book.records.value.find((x) => x.id === a.recordId) : undefined;
  return { title: 'Cancel this order?', detail: r ? `Cancel the working ${r.side === 'BUY' ? 'buy' : 'sell'} of ${r.qty} ${name(r.symbol)} (order ${r.orderId ?? r.id}).` : 'Cancel this order.' };
}

export function actionConfirmPage(a: ConsoleAction, fields: Record<string, string>, view: ConsoleView, ctx: PageContext): string {
  const { title, detail } = actionSentence(a, view);
  const hidden = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
  return page(
    'Confirm the action',
    `<section class="card" id="confirm"><h2>${esc(title)}</h2><p>${esc(detail)}</p>` +
      `<form class="row" method="post" action="${esc(ctx.base)}/do">${csrfField(ctx.csrf)}${hidden}<button type="submit" class="danger">Confirm</button>` +
      `<a class="button secondary" href="${esc(ctx.base)}/">Cancel</a></form></section>`,
    topBar(ctx, view.now),
  );
}

export function actionDonePage(result: ActionResult, ctx: PageContext, now: number): string {
  return page(
    result.ok ? 'Done' : 'Not done',
    `<section class="card" id="result"><h2>${result.ok ? 'Done' : 'Not done'}</h2><p class="${result.ok ? 'ok' : 'bad'}">${esc(result.summary)}</p>` +
      `<p class="muted">Audited as a console action (request ${esc(result.requestId)}); your phone was told.</p>` +
      `<p><a class="button" href="${esc(ctx.base)}/">Back to the console</a></p></section>`,
    topBar(ctx, now),
  );
}
