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

/** Why an address is refused, or null when it may be called. IPv4-mapped IPv6 is judged as IPv4. */
export function blockedReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const ip = ipaddr.process(address); // ::ffff:127.0.0.1 → 127.0.0.1
  for (const [range, bits] of allowedRanges()) {
    if (range.kind() === ip.kind() && ip.match(range, bits)) return null;
  }
  const kind = ip.range();
  return kind === "unicast" ? null : `${ip.toString()} is a ${kind} address`;
}

/** A socket lookup that resolves the name and refuses if any of its addresses is not allowed. */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "", 0);
    const list = addresses as LookupAddress[];
    for (const { address } of list) {
      const reason = blockedReason(address);
      if (reason) return callback(new BlockedAddressError(`Refused to connect to ${hostname}: ${reason}`), "", 0);
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
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) {
    const reason = blockedReason(host);
    if (reason) return { error: `must not point to a private or internal address (${reason})` };
  } else if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".internal") || !host.includes(".")) {
    if (!allowedRanges().length) return { error: "must be a public host name" };
  }
  return { url };
}
