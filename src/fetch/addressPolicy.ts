import ipaddr from 'ipaddr.js';

/**
 * Decides whether Tidings may open a connection to an IP address. Only globally routable
 * unicast is allowed; IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4, Teredo)
 * are judged by the address they carry, because that is where the packets end up.
 */
export function blockedReason(address: string): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  } catch {
    return 'unparseable address';
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    const embedded = embeddedIPv4(v6);
    if (embedded) {
      const inner = blockedReason(embedded.toString());
      return inner ? `${v6.range()} form of ${inner}` : null;
    }
  }
  const range = parsed.range();
  return range === 'unicast' ? null : range;
}

function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = v6.range();
  const parts = v6.parts;
  const fromWords = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  switch (range) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return v6.toIPv4Address();
    case 'rfc6052': // NAT64 well-known and local-use prefixes: last 32 bits
      return fromWords(parts[6]!, parts[7]!);
    case '6to4': // 2002:AABB:CCDD::/48
      return fromWords(parts[1]!, parts[2]!);
    case 'teredo': // client address is the last 32 bits, inverted
      return fromWords(parts[6]! ^ 0xffff, parts[7]! ^ 0xffff);
    default:
      // IPv4-compatible (deprecated) ::a.b.c.d
      if (parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || parts[7]! > 1)) return fromWords(parts[6]!, parts[7]!);
      return null;
  }
}

export function isBlockedAddress(address: string): boolean {
  return blockedReason(address) !== null;
}
