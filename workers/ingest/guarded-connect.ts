import type { LookupAddress } from 'node:dns';
import { lookup as systemLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import { Agent, buildConnector } from 'undici';
import { refusal, type PrivateNetworks } from './address-policy.js';

/** Host name to addresses: the system resolver, or a test's stub (the DNS seam). */
export type Resolve = (hostname: string) => Promise<LookupAddress[]>;
const systemResolve: Resolve = (hostname) => systemLookup(hostname, { all: true });

/** A connection the outbound-request policy refused. */
export class AddressRefused extends Error {
  constructor(host: string, why: string, literal: boolean) {
    super(`refusing ${host}: ${literal ? 'it is' : 'it resolves to'} ${why}; set ingest.allowPrivateNetworks to allow`);
    this.name = 'AddressRefused';
  }
}

/** Lookups never run for an address literal, so those are checked where the connection is made. */
export function literalRefused(host: string | null | undefined, allow: PrivateNetworks): AddressRefused | undefined {
  const address = (host ?? '').replace(/^\[|\]$/g, '');
  if (!isIP(address)) return undefined;
  const why = refusal(address, allow);
  return why ? new AddressRefused(address, why, true) : undefined;
}

/**
 * A `lookup` for net/tls.connect: one resolution per connection, the host refused if any of its addresses
 * is, and the connection handed exactly the addresses that were checked, so a second answer (DNS
 * rebinding) is never asked for. The socket keeps the host name, so Host and SNI are unchanged.
 */
export function guardedLookup(allow: PrivateNetworks, resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    void resolve(hostname).then(
      (answers) => {
        const why = answers.map((a) => refusal(a.address, allow)).find((r) => r !== undefined);
        if (why) return callback(new AddressRefused(hostname, why, false), '');
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const usable = family ? answers.filter((a) => a.family === family) : answers;
        const first = usable[0];
        if (!first)
          return callback(Object.assign(new Error(`${hostname} has no usable address`), { code: 'ENOTFOUND' }), '');
        if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
}

/** An undici dispatcher whose every connection passes the policy: address literals at connect, names in the lookup. */
export function guardedDispatcher(allow: PrivateNetworks, resolve?: Resolve): Agent {
  const connect = buildConnector({ lookup: guardedLookup(allow, resolve) });
  return new Agent({
    connect: (options, callback) => {
      const refused = literalRefused(options.hostname, allow);
      if (refused) return callback(refused, null);
      connect(options, callback);
    },
  });
}

type ConnectCallback = (err: Error | null, stream: Duplex) => void;

/** Fails the connection when its host is a refused address literal; true when it did. */
function refuseLiteral(
  host: string | null | undefined,
  allow: PrivateNetworks,
  callback: ConnectCallback | undefined,
): boolean {
  const refused = literalRefused(host, allow);
  if (!refused) return false;
  if (!callback) throw refused;
  // Node's agent reads only the error when there is one; @types/node types the stream as always present.
  (callback as (err: Error) => void)(refused);
  return true;
}

class GuardedHttpAgent extends http.Agent {
  constructor(
    private readonly allow: PrivateNetworks,
    options: http.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: http.ClientRequestArgs, callback?: ConnectCallback): Duplex | null | undefined {
    return refuseLiteral(options.host, this.allow, callback) ? null : super.createConnection(options, callback);
  }
}

class GuardedHttpsAgent extends https.Agent {
  constructor(
    private readonly allow: PrivateNetworks,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: https.RequestOptions, callback?: ConnectCallback): Duplex | null | undefined {
    return refuseLiteral(options.host, this.allow, callback) ? null : super.createConnection(options, callback);
  }
}

/**
 * node:http(s) agents with the same checks, for clients built on them (telegraf's client uses
 * node-fetch); `agentFor` picks the one for a URL's scheme.
 */
export function guardedNodeAgents(allow: PrivateNetworks, resolve?: Resolve) {
  const lookup = guardedLookup(allow, resolve);
  const agents = {
    http: new GuardedHttpAgent(allow, { keepAlive: true, lookup }),
    https: new GuardedHttpsAgent(allow, { keepAlive: true, lookup }),
  };
  return (url: string): http.Agent => (new URL(url).protocol === 'http:' ? agents.http : agents.https);
}
