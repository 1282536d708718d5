import net from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Decides whether Tidings may open a connection to an IP address. Only globally routable
 * unicast is allowed. IPv6 forms that carry an IPv4 address are judged by the address they
 * carry, because that is where the packets end up. It fails closed: an address it cannot
 * reason about, or any exception while judging, gives a reason to refuse, never a throw
 * (it runs inside DNS callbacks, where a throw would stop the process).
 */
export function blockedReason(address: string): string | null {
  try {
    return judge(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  } catch {
    return 'unjudgeable';
  }
}

export function isBlockedAddress(address: string): boolean {
  return blockedReason(address) !== null;
}

function judge(address: string): string | null {
  // node:net is strict (no `127.1`, no octal); ipaddr.js alone accepts those forms.
  if (net.isIPv4(address)) return judgeIPv4(ipaddr.IPv4.parse(address));
  if (!net.isIPv6(address)) return 'unparseable';
  // The WHATWG serialisation writes every IPv6 address in hex words: ipaddr.js misreads
  // `::a.b.c.d` (IPv4-compatible) as IPv4-mapped.
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  return judgeIPv6(ipaddr.IPv6.parse(canonical));
}

function judgeIPv4(v4: ipaddr.IPv4): string | null {
  const range = v4.range();
  return range === 'unicast' ? null : range;
}

function judgeIPv6(v6: ipaddr.IPv6): string | null {
  const w = v6.parts;
  const form = EMBEDDED_FORMS.find((f) => f.matches(w));
  if (form) {
    for (const v4 of form.carried(w)) {
      const inner = judgeIPv4(v4);
      if (inner) return `${form.name} form of ${inner} ${v4.toString()}`;
    }
    if (!form.prefixIsRouted) return null;
  }
  const range = v6.range();
  if (range !== 'unicast') return range;
  // Only 2000::/3 is allocated as global unicast; the rest is reserved (and 3fff::/20 is
  // for documentation, newer than ipaddr.js's table).
  if (w[0]! >> 13 !== 1 || w[0]! >> 4 === 0x3ff) return 'reserved';
  return null;
}

type Words = number[];

interface EmbeddedForm {
  name: string;
  matches(w: Words): boolean;
  /** Every IPv4 address the packets could be delivered to; all must be global. */
  carried(w: Words): ipaddr.IPv4[];
  /** True when the IPv6 prefix is itself routed and must be global too (ISATAP). */
  prefixIsRouted?: boolean;
}

/** The IPv4 address in 32 bits starting at bit `at` of the address, skipping bits 64–71 (RFC 6052 §2.2). */
function ipv4At(w: Words, at: number): ipaddr.IPv4 {
  const octets: number[] = [];
  for (let bit = at; octets.length < 4; bit += 8) {
    if (bit === 64) continue;
    const word = w[bit >> 4]!;
    octets.push(bit % 16 === 0 ? word >> 8 : word & 0xff);
  }
  return new ipaddr.IPv4(octets);
}

const zeros = (w: Words, from: number, to: number) => w.slice(from, to).every((x) => x === 0);
const last32 = (w: Words) => [ipv4At(w, 96)];

const EMBEDDED_FORMS: EmbeddedForm[] = [
  // ::ffff:a.b.c.d
  { name: 'IPv4-mapped', matches: (w) => zeros(w, 0, 5) && w[5] === 0xffff, carried: last32 },
  // ::ffff:0:a.b.c.d (SIIT, RFC 6145 / 7915)
  { name: 'IPv4-translated (SIIT)', matches: (w) => zeros(w, 0, 4) && w[4] === 0xffff && w[5] === 0, carried: last32 },
  // ::a.b.c.d (deprecated); :: and ::1 are judged as themselves
  { name: 'IPv4-compatible', matches: (w) => zeros(w, 0, 6) && (w[6] !== 0 || w[7]! > 1), carried: last32 },
  // 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052)
  { name: 'NAT64', matches: (w) => w[0] === 0x64 && w[1] === 0xff9b && zeros(w, 2, 6), carried: last32 },
  // 64:ff9b:1::/48, NAT64 for local use (RFC 8215): the operator picks the prefix length
  // inside it, so every position RFC 6052 allows must carry a global address.
  {
    name: 'local-use NAT64',
    matches: (w) => w[0] === 0x64 && w[1] === 0xff9b && w[2] === 1,
    carried: (w) => [48, 56, 72, 96].map((at) => ipv4At(w, at)),
  },
  // 2002:AABB:CCDD::/48 (RFC 3056)
  { name: '6to4', matches: (w) => w[0] === 0x2002, carried: (w) => [ipv4At(w, 16)] },
  // 2001:0:SSSS:SSSS:…:~CCCC:~CCCC (RFC 4380): the server and the (inverted) client
  {
    name: 'Teredo',
    matches: (w) => w[0] === 0x2001 && w[1] === 0,
    carried: (w) => [ipv4At(w, 32), new ipaddr.IPv4(ipv4At(w, 96).octets.map((o) => o ^ 0xff))],
  },
  // any /64 with interface id 0000:5efe:a.b.c.d or 0200:5efe:a.b.c.d (RFC 5214)
  { name: 'ISATAP', matches: (w) => (w[4]! & 0xfdff) === 0 && w[5] === 0x5efe, carried: last32, prefixIsRouted: true },
];
