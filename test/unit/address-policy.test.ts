import { describe, expect, it } from 'vitest';
import { classifyAddress, refusal } from '../../workers/ingest/address-policy.js';

/** IPv6 forms that carry an IPv4 address are judged by the address inside, as the URL parser writes them. */
const refused: [string, string][] = [
  ['::7f00:1', 'IPv4-compatible 127.0.0.1 (what the URL parser makes of [::127.0.0.1])'],
  ['::a00:1', 'IPv4-compatible 10.0.0.1'],
  ['::ffff:127.0.0.1', 'IPv4-mapped 127.0.0.1'],
  ['::ffff:7f00:1', 'IPv4-mapped 127.0.0.1, hex'],
  ['::ffff:a9fe:a9fe', 'IPv4-mapped 169.254.169.254 (cloud metadata)'],
  ['::ffff:0:7f00:1', 'IPv4-translated 127.0.0.1'],
  ['64:ff9b::7f00:1', 'NAT64 of 127.0.0.1'],
  ['64:ff9b::192.168.0.1', 'NAT64 of 192.168.0.1'],
  ['64:ff9b:1::808:808', 'local-use NAT64 prefix (RFC 8215)'],
  ['2002:7f00:1::', '6to4 of 127.0.0.1'],
  ['2002:a9fe:a9fe::1', '6to4 of 169.254.169.254'],
  ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'Teredo, client 127.0.0.1'],
  ['2001:0:a00:1::f7f7:f7f7', 'Teredo, server 10.0.0.1'],
  ['127.0.0.1', 'loopback'],
  ['::1', 'IPv6 loopback'],
  ['::', 'unspecified'],
  ['0.0.0.0', 'unspecified'],
  ['169.254.169.254', 'link-local'],
  ['fe80::1', 'IPv6 link-local'],
  ['fd12:3456::1', 'unique local'],
  ['100.64.0.1', 'carrier-grade NAT'],
];

const allowed: [string, string][] = [
  ['93.184.216.34', 'public IPv4'],
  ['2606:4700:4700::1111', 'public IPv6'],
  ['2a00:1450:4009:81d::200e', 'public IPv6'],
  ['::ffff:808:808', 'IPv4-mapped 8.8.8.8'],
  ['64:ff9b::808:808', 'NAT64 of 8.8.8.8'],
  ['2002:808:808::1', '6to4 of 8.8.8.8'],
  ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'Teredo, server 65.54.227.120, client 8.8.8.8'],
];

describe('address policy', () => {
  it.each(refused)('refuses %s (%s)', (address) => {
    expect(refusal(address, false)).toBeDefined();
    expect(refusal(address, true)).toBeUndefined();
  });

  it.each(allowed)('allows %s (%s)', (address) => {
    expect(refusal(address, false)).toBeUndefined();
  });

  it('names the embedded address and its range', () => {
    expect(classifyAddress('::7f00:1')).toEqual({
      range: 'loopback',
      embeds: { form: 'ipv4-compatible', ipv4: ['127.0.0.1'] },
    });
    expect(classifyAddress('2001:0:a00:1::f7f7:f7f7')).toEqual({
      range: 'private',
      embeds: { form: 'teredo', ipv4: ['10.0.0.1', '8.8.8.8'] },
    });
    expect(refusal('64:ff9b::7f00:1', false)).toMatch(/nat64 of 127\.0\.0\.1 \(loopback\)/);
  });

  it('allows loopback only as the host itself knows it (tests), never tunnelled to another host', () => {
    for (const address of ['127.0.0.1', '127.0.0.5', '::1', '::ffff:127.0.0.1'])
      expect(refusal(address, 'loopback'), address).toBeUndefined();
    for (const address of ['::7f00:1', '64:ff9b::7f00:1', '2002:7f00:1::', '10.0.0.1', '::ffff:a00:1'])
      expect(refusal(address, 'loopback'), address).toBeDefined();
  });
});
