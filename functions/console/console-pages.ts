import type { Position } from '../../shared/broker/broker.port';
import { formatIst, istParts } from '../../shared/platform/ist';
import type { AuditEntry } from '../../shared/store/audit.port';
import type { RuntimeControls } from '../../shared/store/controls.port';
import type { OrderView } from '../../shared/orders/order-views';
import type { Notification } from '../../shared/notify/notifier.port';
import { CONSOLE_CSS } from './console-style';
import type { ConsoleView, Part } from './console-view';

/** Server-rendered pages of the console: no script, every value escaped, every change a form post. */
const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string, header = '') =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
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
}

function topBar(ctx: PageContext, now: number): string {
  return (
    `<header class="top"><h1>tv-fyers-bridge console</h1><span class="now">${esc(formatIst(now))}</span>` +
    `<form method="post" action="${esc(ctx.base)}/logout">${csrfField(ctx.csrf)}<button type="submit">Log out</button></form></header>`
  );
}

function banner(view: ConsoleView): string {
  if (!view.checks.ok) return `<section class="banner bad" id="status">Readiness could not be checked: ${esc(view.checks.error)}</section>`;
  const failing = Object.entries(view.checks.value).filter(([, c]) => !c.ok);
  if (failing.length === 0) return `<section class="banner ok" id="status">READY: an alert would place an order now.</section>`;
  return (
    `<section class="banner bad" id="status">NOT READY: alerts are refused now.<ul>` +
    failing.map(([name, c]) => `<li><strong>${esc(name)}</strong>: ${esc(c.detail ?? 'not ready')}</li>`).join('') +
    `</ul></section>`
  );
}

function sessionCard(view: ConsoleView, ctx: PageContext): string {
  const broker = view.checks.ok ? view.checks.value.broker : undefined;
  const expiresAt = typeof broker?.expiresAt === 'string' ? Date.parse(broker.expiresAt) : undefined;
  const state = !broker
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
  const login = ctx.loginUrl && view.brokerName === 'fyers' ? `<p><a class="button" id="login-link" href="${esc(ctx.loginUrl)}">Log in to Fyers</a></p>` : `<p class="muted">The paper broker needs no login.</p>`;
  return (
    `<section class="card" id="session"><h2>Broker session (${esc(view.brokerName)})</h2>${state}` +
    `<dl>${expiry}<dt>Exchange</dt><dd>${exchange}</dd></dl>${login}</section>`
  );
}

function controlsCard(view: ConsoleView, ctx: PageContext): string {
  if (!view.controls.ok) return `<section class="card" id="controls"><h2>Kill switch and limits</h2>${unavailable(view.controls)}</section>`;
  const c = view.controls.value;
  const killForm = c.tradingEnabled
    ? `<form method="post" action="${esc(ctx.base)}/confirm">${csrfField(ctx.csrf)}<input type="hidden" name="tradingEnabled" value="false"><button type="submit" class="danger">Stop trading (kill switch ON)</button></form>`
    : `<form method="post" action="${esc(ctx.base)}/confirm">${csrfField(ctx.csrf)}<input type="hidden" name="tradingEnabled" value="true"><button type="submit" class="go">Resume trading</button></form>`;
  return (
    `<section class="card" id="controls"><h2>Kill switch and limits</h2>` +
    (c.tradingEnabled ? `<p class="big ok">Trading ON</p>` : `<p class="big bad">Kill switch ON: trading stopped</p>`) +
    killForm +
    `<dl><dt>Max lots</dt><dd>${c.maxLots ?? `${view.defaultMaxLots} (deployed default)`}</dd><dt>Daily order cap</dt><dd>${c.dailyOrderCap ?? 'none'}</dd>` +
    `<dt>Reduce-only</dt><dd>${c.reduceOnly ? 'on: alerts only close positions' : 'off'}</dd></dl>` +
    `<form class="row" method="post" action="${esc(ctx.base)}/confirm">${csrfField(ctx.csrf)}` +
    `<label>Max lots<input type="number" name="maxLots" min="0" max="10000" inputmode="numeric" value="${c.maxLots ?? ''}" placeholder="${view.defaultMaxLots}"></label>` +
    `<label>Daily cap<input type="number" name="dailyOrderCap" min="0" max="100000" inputmode="numeric" value="${c.dailyOrderCap ?? ''}" placeholder="none"></label>` +
    `<label>Reduce-only<select name="reduceOnly"><option value="false"${c.reduceOnly ? '' : ' selected'}>off</option><option value="true"${c.reduceOnly ? ' selected' : ''}>on</option></select></label>` +
    `<button type="submit" class="secondary">Review change</button></form>` +
    `<p class="muted">Empty clears an override. Every change asks for confirmation, is audited and is sent to your phone.</p></section>`
  );
}

function readinessCard(view: ConsoleView): string {
  if (!view.checks.ok) return `<section class="card" id="readiness"><h2>Readiness</h2>${unavailable(view.checks)}</section>`;
  const items = Object.entries(view.checks.value)
    .map(([name, c]) => `<li class="${c.ok ? 'ok' : 'bad'}">${c.ok ? '✓' : '✗'} <strong>${esc(name)}</strong>${c.ok ? '' : `: ${esc(c.detail ?? 'not ready')}`}</li>`)
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

const OUTCOME_CLASS: Record<string, string> = { placed: 'ok', duplicate: 'ok', unknown: 'warn', rejected: 'bad' };

function outcomeCell(e: AuditEntry): string {
  const cls = OUTCOME_CLASS[e.status] ?? (e.httpStatus >= 400 ? 'bad' : 'warn');
  const orderId = typeof e.brokerResponse?.orderId === 'string' ? ` <span class="muted">${esc(e.brokerResponse.orderId)}</span>` : '';
  const fields = e.fields && Object.keys(e.fields).length ? `<ul class="fields">${Object.entries(e.fields).map(([f, why]) => `<li><code>${esc(f)}</code>: ${esc(why)}</li>`).join('')}</ul>` : '';
  const message = e.message && e.status !== 'placed' ? `<div>${esc(e.message)}</div>` : '';
  return `<span class="badge ${cls}">${esc(e.status)} ${e.httpStatus}</span>${orderId}${message}${fields}`;
}

/** A strike as the trader wrote it: 24500, ATM, ATM+2. */
function strikeText(raw: unknown): string {
  if (raw && typeof raw === 'object' && 'atmOffset' in raw) {
    const n = Number((raw as { atmOffset: unknown }).atmOffset);
    return n === 0 ? 'ATM' : `ATM${n > 0 ? '+' : ''}${n}`;
  }
  return String(raw);
}

function alertsCard(view: ConsoleView): string {
  const head = `<h2>Today's alerts${view.alerts.ok ? ` (${view.alerts.value.length})` : ''}</h2>`;
  if (!view.alerts.ok) return `<section class="card" id="alerts">${head}${unavailable(view.alerts)}</section>`;
  if (view.alerts.value.length === 0) return `<section class="card" id="alerts">${head}<p class="muted">No alert yet today.</p></section>`;
  const rows = view.alerts.value
    .map((e) => {
      const a = e.alert ?? {};
      const strategy = typeof a.strategy === 'string' ? a.strategy : typeof a.comment === 'string' ? a.comment : '—';
      const symbol = e.instrument?.ticker ?? (typeof a.symbol === 'string' ? a.symbol : '—');
      const what = [a.action, a.optionType, a.strikeprice !== undefined ? strikeText(a.strikeprice) : '', a.qty !== undefined ? `×${String(a.qty)}` : ''].filter(Boolean).join(' ');
      return (
        `<tr>${td('Time', `${esc(clockTime(e.receivedAt))}`)}${td('Strategy', `${esc(strategy)}`)}` +
        `${td('Symbol', `${esc(symbol)}<div class="muted">${esc(what)}</div>`)}${td('Outcome', `${outcomeCell(e)}`)}` +
        `${td('Latency', `${esc(Math.round(e.latencyMs))} ms`, 'num')}</tr>`
      );
    })
    .join('');
  return (
    `<section class="card" id="alerts">${head}<table class="stack"><thead><tr><th>Time</th><th>Strategy</th><th>Symbol</th><th>Outcome</th><th class="num">Latency</th></tr></thead>` +
    `<tbody>${rows}</tbody></table></section>`
  );
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

const STATE_CLASS: Record<string, string> = { filled: 'ok', 'partly filled': 'warn', working: 'warn', 'in transit': 'warn', rejected: 'bad', cancelled: 'bad', expired: 'bad' };

function ordersCard(view: ConsoleView): string {
  const head = `<h2>Orders today${view.orders.ok ? ` (${view.orders.value.length})` : ''}</h2>`;
  if (!view.orders.ok) return `<section class="card" id="orders">${head}${unavailable(view.orders)}</section>`;
  if (view.orders.value.length === 0) return `<section class="card" id="orders">${head}<p class="muted">No order today.</p></section>`;
  const rows = view.orders.value
    .map((o: OrderView) => {
      const fill = o.filledQty !== undefined ? `${o.filledQty} / ${o.qty}${o.avgFillPrice !== undefined ? ` @ ${price(o.avgFillPrice)}` : ''}` : '—';
      return (
        `<tr>${td('Time', `${o.placedAt !== undefined ? esc(clockTime(o.placedAt)) : '—'}`)}${td('Symbol', `${esc(o.symbol)}<div class="muted">${esc(o.productType)} · ${esc(o.orderId)}</div>`)}` +
        `${td('Side', `${esc(o.side)}`)}${td('Qty', `${o.qty}`, 'num')}` +
        `${td('State', `<span class="badge ${STATE_CLASS[o.state] ?? ''}">${esc(o.state)}</span>${o.state === 'rejected' && o.message ? `<div>${esc(o.message)}</div>` : ''}`)}` +
        `${td('Filled', `${esc(fill)}`, 'num')}</tr>`
      );
    })
    .join('');
  return (
    `<section class="card" id="orders">${head}<table class="stack"><thead><tr><th>Time</th><th>Symbol</th><th>Side</th><th class="num">Qty</th><th>State</th><th class="num">Filled @ avg</th></tr></thead>` +
    `<tbody>${rows}</tbody></table></section>`
  );
}

function positionsCard(view: ConsoleView): string {
  const head = `<h2>Open positions</h2>`;
  if (!view.positions.ok) return `<section class="card" id="positions">${head}${unavailable(view.positions)}</section>`;
  const list = view.positions.value;
  if (list.length === 0) return `<section class="card" id="positions">${head}<p class="muted">No open position.</p></section>`;
  const pnlCell = (x: number | undefined) => (x === undefined ? '—' : `<span class="${x < 0 ? 'bad' : 'ok'}">${esc(money(x))}</span>`);
  const rows = list
    .map(
      (p: Position) =>
        `<tr>${td('Symbol', `${esc(p.symbol)}<div class="muted">${esc(p.productType)}</div>`)}${td('Net qty', `${p.netQty}`, 'num')}` +
        `${td('Avg', `${esc(price(p.avgPrice))}`, 'num')}${td('LTP', `${esc(price(p.ltp))}`, 'num')}${td('P&L', `${pnlCell(p.pnl)}`, 'num')}</tr>`,
    )
    .join('');
  const known = list.filter((p) => p.pnl !== undefined);
  const total = known.length ? `<tr><td class="label-only" colspan="4"><strong>Total</strong></td>${td('Total P&L', `<strong>${pnlCell(known.reduce((s, p) => s + p.pnl!, 0))}</strong>`, 'num')}</tr>` : '';
  return (
    `<section class="card" id="positions">${head}<table class="stack"><thead><tr><th>Symbol</th><th class="num">Net qty</th><th class="num">Avg</th><th class="num">LTP</th><th class="num">P&amp;L</th></tr></thead>` +
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

export function dashboardPage(view: ConsoleView, ctx: PageContext): string {
  const flash = ctx.flash ? `<section class="banner info" id="flash">${esc(ctx.flash)}</section>` : '';
  const body =
    flash +
    banner(view) +
    `<div class="grid">${sessionCard(view, ctx)}${controlsCard(view, ctx)}${readinessCard(view)}${symbolCard(view)}</div>` +
    alertsCard(view) +
    ordersCard(view) +
    positionsCard(view) +
    notificationsCard(view) +
    noiseCard(view) +
    `<p class="muted">Console session ends ${esc(formatIst(ctx.sessionExpiresAt))}. Reload the page for fresh numbers.</p>`;
  return page('Console', body, topBar(ctx, view.now));
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

const LABELS: Record<keyof RuntimeControls, string> = { tradingEnabled: 'Trading', maxLots: 'Max lots', dailyOrderCap: 'Daily order cap', reduceOnly: 'Reduce-only', strategyDay: 'Strategies stopped today' };

function shown(key: keyof RuntimeControls, value: unknown, defaultMaxLots: number): string {
  if (key === 'tradingEnabled') return value ? 'ON (alerts place orders)' : 'OFF (kill switch ON)';
  if (key === 'reduceOnly') return value ? 'on' : 'off';
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
