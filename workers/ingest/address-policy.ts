import ipaddr from 'ipaddr.js';

/** `ingest.allowPrivateNetworks`: all of them, loopback only (tests), or none. */
export type PrivateNetworks = boolean | 'loopback';

/** IPv6 forms that carry an IPv4 address; where a connection to one really goes is the IPv4 inside. */
export type Embedding = 'ipv4-mapped' | 'ipv4-translated' | 'ipv4-compatible' | 'nat64' | '6to4' | 'teredo';

export interface AddressClass {
  /** ipaddr.js's range name ('unicast' is public); for an embedding form, the range of the IPv4 inside. */
  range: string;
  embeds?: { form: Embedding; ipv4: string[] };
}

const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

function embedded(address: ipaddr.IPv6): { form: Embedding; ipv4: ipaddr.IPv4[] } | undefined {
  const bytes = address.toByteArray();
  const v4 = (from: number) => new ipaddr.IPv4(bytes.slice(from, from + 4));
  const range = address.range();
  if (range === 'ipv4Mapped') return { form: 'ipv4-mapped', ipv4: [v4(12)] };
  if (range === 'rfc6145') return { form: 'ipv4-translated', ipv4: [v4(12)] };
  // The local-use prefix (64:ff9b:1::/48) may place the IPv4 anywhere: it stays refused as a whole.
  if (range === 'rfc6052') return address.match(NAT64_WELL_KNOWN) ? { form: 'nat64', ipv4: [v4(12)] } : undefined;
  if (range === '6to4') return { form: '6to4', ipv4: [v4(2)] };
  // RFC 4380: the server's address in clear, the client's with every bit flipped; traffic reaches both.
  if (range === 'teredo')
    return { form: 'teredo', ipv4: [v4(4), new ipaddr.IPv4(bytes.slice(12, 16).map((b) => b ^ 0xff))] };
  // ::a.b.c.d (deprecated IPv4-compatible): ipaddr.js calls it unicast, and the URL parser writes [::127.0.0.1] so.
  if (range === 'unicast' && bytes.slice(0, 12).every((b) => b === 0))
    return { form: 'ipv4-compatible', ipv4: [v4(12)] };
  return undefined;
}

export function classifyAddress(address: string): AddressClass {
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return { range: parsed.range() };
  const inside = embedded(parsed as ipaddr.IPv6);
  if (!inside) return { range: parsed.range() };
  const range = inside.ipv4.map((a) => a.range()).find((r) => r !== 'unicast') ?? 'unicast';
  return { range, embeds: { form: inside.form, ipv4: inside.ipv4.map(String) } };
}

/** Why the policy refuses to connect to this address, or undefined when it may. */
export function refusal(address: string, allow: PrivateNetworks): string | undefined {
  if (allow === true) return undefined;
  const c = classifyAddress(address);
  if (c.range === 'unicast') return undefined;
  // Loopback as this host knows it: 127.0.0.1 inside NAT64, 6to4 or Teredo is some other host's loopback.
  if (allow === 'loopback' && c.range === 'loopback' && (!c.embeds || c.embeds.form === 'ipv4-mapped'))
    return undefined;
  return c.embeds
    ? `${address}, ${c.embeds.form} of ${c.embeds.ipv4.join(', ')} (${c.range})`
    : `${address} (${c.range})`;
}
