import { promises as dns } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { BlockList, isIP } from 'node:net';
import { UnsafeTargetError } from '../errors';

/**
 * SSRF guard for operator-configured outbound URLs (the notification webhook).
 *
 * The address check happens AFTER DNS resolution, on every address the name resolves to, and the
 * request is then pinned to the address that was checked (see `pinnedLookup`). Checking the name and
 * letting the HTTP stack resolve it again would let a DNS-rebinding server answer "public" to the
 * check and "169.254.169.254" to the connection.
 */

/** Resolves a host name to all of its addresses (injected; production uses `systemResolveHost`). */
export type ResolveHost = (hostname: string) => Promise<ReadonlyArray<{ address: string; family: number }>>;

export const systemResolveHost: ResolveHost = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

export interface SafeTarget {
  url: URL;
  /** The checked address every connection for this request must use. */
  address: string;
  family: 4 | 6;
}

export interface SafeTargetOptions {
  resolve: ResolveHost;
  /** Tests only: also accept http:// and loopback addresses, so a local server can stand in. */
  allowLoopbackForTests?: boolean;
}

type Category = 'unspecified' | 'loopback' | 'private' | 'shared' | 'link-local' | 'unique-local' | 'multicast' | 'reserved' | 'ipv4-embedding';

const RANGES: ReadonlyArray<[Category, string, number, 'ipv4' | 'ipv6']> = [
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['unspecified', '::', 128, 'ipv6'],
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['loopback', '::1', 128, 'ipv6'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['shared', '100.64.0.0', 10, 'ipv4'], // carrier-grade NAT; internal to providers
  ['link-local', '169.254.0.0', 16, 'ipv4'], // includes the metadata server 169.254.169.254
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['unique-local', 'fc00::', 7, 'ipv6'],
  ['reserved', 'fec0::', 10, 'ipv6'], // deprecated site-local, still routed internally by some stacks
  ['multicast', '224.0.0.0', 4, 'ipv4'],
  ['multicast', 'ff00::', 8, 'ipv6'],
  ['reserved', '240.0.0.0', 4, 'ipv4'], // includes 255.255.255.255
  ['reserved', '192.0.0.0', 24, 'ipv4'],
  ['reserved', '192.0.2.0', 24, 'ipv4'],
  ['reserved', '198.18.0.0', 15, 'ipv4'],
  ['reserved', '198.51.100.0', 24, 'ipv4'],
  ['reserved', '203.0.113.0', 24, 'ipv4'],
  ['reserved', '2001:db8::', 32, 'ipv6'],
  ['reserved', '192.88.99.0', 24, 'ipv4'], // the retired 6to4 relay anycast: a gateway into other networks
  // Forms that smuggle an IPv4 address inside IPv6. A real public webhook never resolves to these,
  // so refusing them outright is simpler and safer than decoding each one. IPv4-mapped (::ffff:0:0/96)
  // is checked apart (MAPPED below): in a BlockList that rule would match every plain IPv4 address too.
  ['ipv4-embedding', '::', 96, 'ipv6'],
  ['ipv4-embedding', '64:ff9b::', 96, 'ipv6'],
  ['ipv4-embedding', '64:ff9b:1::', 48, 'ipv6'], // local-use NAT64
  ['ipv4-embedding', '2002::', 16, 'ipv6'], // 6to4
  ['ipv4-embedding', '2001::', 32, 'ipv6'], // Teredo
];

/** IPv4-mapped IPv6 (::ffff:a.b.c.d): no DNS answer for a real webhook is one; consulted for IPv6 input only. */
const MAPPED = (() => {
  const list = new BlockList();
  list.addSubnet('::ffff:0:0', 96, 'ipv6');
  return list;
})();

const BLOCKS: ReadonlyArray<[Category, BlockList]> = (() => {
  const byCategory = new Map<Category, BlockList>();
  for (const [category, network, prefix, type] of RANGES) {
    const list = byCategory.get(category) ?? new BlockList();
    list.addSubnet(network, prefix, type);
    byCategory.set(category, list);
  }
  return [...byCategory.entries()];
})();

/** Why an address may not be contacted, or undefined when it is a public unicast address. */
export function forbiddenAddressReason(address: string, opts: { allowLoopbackForTests?: boolean } = {}): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [category, list] of BLOCKS) {
    if (!list.check(address, type)) continue;
    if (category === 'loopback' && opts.allowLoopbackForTests) return undefined;
    return category;
  }
  if (type === 'ipv6' && MAPPED.check(address, 'ipv6')) return 'ipv4-embedding';
  return undefined;
}

/**
 * Parses and vets an outbound URL and resolves it to one checked address. Throws UnsafeTargetError;
 * the message names the host and the reason but never the full URL, which often embeds a token.
 */
export async function resolveSafeTarget(rawUrl: string, opts: SafeTargetOptions): Promise<SafeTarget> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new UnsafeTargetError('notification target is not a valid URL');
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const httpOk = opts.allowLoopbackForTests && url.protocol === 'http:';
  if (url.protocol !== 'https:' && !httpOk) throw new UnsafeTargetError('notification target must use https', { host, protocol: url.protocol });
  if (url.username || url.password) throw new UnsafeTargetError('notification target must not carry credentials in the URL', { host });

  let addresses: ReadonlyArray<{ address: string; family: number }>;
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await opts.resolve(host);
    } catch (e) {
      throw new UnsafeTargetError('notification target host does not resolve', { host }, { cause: e });
    }
  }
  if (addresses.length === 0) throw new UnsafeTargetError('notification target host does not resolve', { host });
  // Every answer must be public: a mixed answer is a classic way to get one internal address tried.
  for (const a of addresses) {
    const reason = forbiddenAddressReason(a.address, opts);
    if (reason) throw new UnsafeTargetError('notification target resolves to a non-public address', { host, address: a.address, reason });
  }
  const chosen = addresses[0]!;
  return { url, address: chosen.address, family: isIP(chosen.address) as 4 | 6 };
}

/**
 * A `lookup` for http(s).request that ignores DNS and always answers with the vetted address.
 * The URL keeps its host name, so TLS still verifies the certificate against that name (SNI).
 */
export function pinnedLookup(target: SafeTarget): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    // Node asks for all addresses when autoSelectFamily (happy eyeballs) is on, the default since v20.
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  }) as LookupFunction;
}
