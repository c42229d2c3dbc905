/** The few HTML pages the operator sees during login. Plain, readable on a phone, no scripts. */
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<title>${esc(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem}` +
  `.ok{color:#0a6b2d}.bad{color:#a11}input,button{font:inherit;padding:.4rem .6rem}</style></head><body>${body}</body></html>`;

export function loginFormPage(action: string, message?: string): string {
  return page(
    'Fyers login',
    `<h1>Start the daily Fyers login</h1>${message ? `<p class="bad">${esc(message)}</p>` : ''}` +
      `<form method="post" action="${esc(action)}"><label>Operator key<br><input type="password" name="key" autocomplete="current-password" required></label> ` +
      `<button type="submit">Continue to Fyers</button></form>` +
      `<p>The key is the CONTROLS_KEY secret. It is sent in the form body, never in the address, so it does not end up in request logs.</p>`,
  );
}

export function loginResultPage(r: { live: boolean; until?: string; detail: string }): string {
  return r.live
    ? page('Trading is live', `<h1 class="ok">Trading is live</h1><p>The Fyers session is valid until <strong>${esc(r.until ?? 'unknown')}</strong>.</p><p>${esc(r.detail)}</p>`)
    : page('Trading is NOT live', `<h1 class="bad">Trading is NOT live</h1><p>${esc(r.detail)}</p>`);
}

export function loginErrorPage(title: string, detail: string): string {
  return page(title, `<h1 class="bad">${esc(title)}</h1><p>${esc(detail)}</p><p>Nothing was stored. Start again from the login link.</p>`);
}
