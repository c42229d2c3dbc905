// No test may reach beyond loopback: fail loudly if any code tries the public internet through fetch.
const realFetch = globalThis.fetch;
globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new Error(`test tried to reach ${url.hostname}; tests may only talk to loopback`);
  }
  return realFetch(input, init);
}) as typeof fetch;
