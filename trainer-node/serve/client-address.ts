import { isIPv4, isIPv6 } from 'node:net';

/**
 * The client the per-client limits count (upload rate, uploads in flight at once), from the
 * address the request came from (or the one a trusted proxy named). An IPv4 address is one
 * client. An IPv6 client is its /64 network: one home or one server is given a whole /64, so
 * counting single IPv6 addresses would let anyone dodge the limits by changing the last 64 bits
 * of their address for each upload. An IPv4 address written as IPv6 (`::ffff:203.0.113.1`, what a
 * dual-stack socket reports) is the same client as the plain IPv4 one.
 */
export function clientOf(address: string): string {
  const bare = address.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1];
  if (mapped !== undefined && isIPv4(mapped)) return mapped;
  if (!isIPv6(bare)) return bare;
  return `${ipv6Groups(bare).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, `::` expanded and an IPv4 tail as two groups. */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const groupsOf = (part: string): string[] =>
    part === '' ? [] : part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group]));
  const front = groupsOf(head);
  const back = tail === undefined ? [] : groupsOf(tail);
  const zeros = Array.from({ length: Math.max(0, 8 - front.length - back.length) }, () => '0');
  return [...front, ...zeros, ...back].map((group) => Number.parseInt(group, 16).toString(16));
}
