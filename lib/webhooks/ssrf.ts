import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { env } from "@/lib/env";

/**
 * Outbound calls to merchant URLs must not reach this machine or its private networks. The check
 * is made on the address actually connected to (a custom DNS lookup for the socket), so a name
 * that resolves differently later (DNS rebinding) cannot slip past. Only globally routable
 * unicast addresses pass, unless an operator allows a range (WEBHOOK_ALLOWED_RANGES).
 */
export class BlockedAddressError extends Error {
  readonly code = "EBLOCKED";
}

function allowedRanges(): [ipaddr.IPv4 | ipaddr.IPv6, number][] {
  return (env().WEBHOOK_ALLOWED_RANGES ?? "")
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean)
    .map((cidr) => ipaddr.parseCIDR(cidr));
}

/**
 * IPv6 ranges ipaddr.js calls plain "unicast" that still reach IPv4 (or nothing routable):
 * ::/96 holds the deprecated IPv4-compatible addresses (::7f00:1 is 127.0.0.1 written so).
 */
const EXTRA_BLOCKED_V6: [ipaddr.IPv6, number, string][] = [[ipaddr.IPv6.parse("::"), 96, "IPv4-compatible"]];

/** Why an address is refused, or null when it may be called. IPv4-mapped IPv6 is judged as IPv4. */
export function blockedReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const ip = ipaddr.process(address); // ::ffff:127.0.0.1 → 127.0.0.1
  for (const [range, bits] of allowedRanges()) {
    if (range.kind() === ip.kind() && ip.match(range, bits)) return null;
  }
  const kind = ip.range();
  if (kind !== "unicast") return `${ip.toString()} is a ${kind} address`;
  if (ip.kind() === "ipv6") {
    for (const [range, bits, name] of EXTRA_BLOCKED_V6) {
      if (ip.match(range, bits)) return `${ip.toString()} is an ${name} address`;
    }
  }
  return null;
}

/** A socket lookup that resolves the name and refuses if any of its addresses is not allowed. */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "", 0);
    const list = addresses as LookupAddress[];
    try {
      if (list.length === 0) return callback(Object.assign(new Error(`No address for ${hostname}`), { code: "ENOTFOUND" }), "", 0);
      for (const { address } of list) {
        const reason = blockedReason(address);
        if (reason) return callback(new BlockedAddressError(`Refused to connect to ${hostname}: ${reason}`), "", 0);
      }
    } catch (thrown) {
      // A bad WEBHOOK_ALLOWED_RANGES must fail this connection, not crash the process from a DNS callback.
      return callback(thrown instanceof Error ? thrown : new Error(String(thrown)), "", 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

/** Checks a URL before any connection: scheme, and literal IP hosts (which skip DNS lookup). */
export function checkUrl(raw: string): { url: URL } | { error: string } {
  let url: URL;
  try {
    url = new URL(raw); // normalises 2130706433, 0x7f.1 and friends to dotted IPv4
  } catch {
    return { error: "must be a valid URL" };
  }
  const httpAllowed = env().WEBHOOK_ALLOW_HTTP || env().NODE_ENV !== "production";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && httpAllowed)) {
    return { error: httpAllowed ? "must be an http(s) URL" : "must be an https URL" };
  }
  if (url.username || url.password) return { error: "must not contain credentials" };
  // "localhost." is localhost: judge the name without its root dot.
  const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.+$/, "");
  if (isIP(host)) {
    const reason = blockedReason(host);
    if (reason) return { error: `must not point to a private or internal address (${reason})` };
  } else if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal") || !host.includes(".")) {
    if (!allowedRanges().length) return { error: "must be a public host name" };
  }
  return { url };
}
