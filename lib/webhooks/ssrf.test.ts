import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { sendWebhook } from "./send";
import { BlockedAddressError, blockedReason, checkUrl, guardedLookup } from "./ssrf";

// Names under .rebind.test resolve to whatever a test says (DNS rebinding without a real DNS
// server); every other name goes to the real resolver. Only loopback is ever connected to.
const fakeDns = vi.hoisted(() => ({ answers: new Map<string, { address: string; family: number }[] | Error>(), calls: [] as string[] }));
vi.mock("node:dns", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:dns")>();
  const lookup = ((hostname: string, options: any, callback: any) => {
    fakeDns.calls.push(hostname);
    const fake = fakeDns.answers.get(hostname);
    if (!fake) return (real.lookup as any)(hostname, options, callback);
    process.nextTick(() => {
      if (fake instanceof Error) callback(fake);
      else if (options?.all) callback(null, fake);
      else callback(null, fake[0]?.address, fake[0]?.family);
    });
  }) as typeof real.lookup;
  return { ...real, lookup, default: { ...real, lookup } };
});

const ENV_KEYS = ["NODE_ENV", "WEBHOOK_ALLOWED_RANGES", "WEBHOOK_ALLOW_HTTP"] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

function setEnv(vars: Partial<Record<(typeof ENV_KEYS)[number], string | undefined>>) {
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete (process.env as Record<string, string | undefined>)[key];
    else (process.env as Record<string, string | undefined>)[key] = value;
  }
  resetEnvForTests();
}

afterEach(() => {
  setEnv(saved);
  fakeDns.answers.clear();
  fakeDns.calls.length = 0;
});

const BLOCKED: [string, RegExp][] = [
  ["127.0.0.1", /loopback/],
  ["127.1", /loopback/],
  ["2130706433", /loopback/], // decimal 127.0.0.1
  ["0x7f000001", /loopback/], // hex
  ["0177.0.0.1", /loopback/], // octal
  ["127.255.255.254", /loopback/],
  ["0.0.0.0", /unspecified/],
  ["10.0.0.1", /private/],
  ["10.255.255.255", /private/],
  ["172.16.0.1", /private/],
  ["172.31.255.255", /private/],
  ["192.168.0.1", /private/],
  ["192.168.255.255", /private/],
  ["169.254.169.254", /linkLocal/], // cloud metadata
  ["100.64.0.1", /carrierGradeNat/],
  ["100.127.255.254", /carrierGradeNat/],
  ["224.0.0.1", /multicast/],
  ["239.255.255.250", /multicast/],
  ["255.255.255.255", /broadcast/],
  ["240.0.0.1", /reserved/],
  ["192.0.2.1", /reserved/], // TEST-NET-1
  ["::1", /loopback/],
  ["::", /unspecified/],
  ["fe80::1", /linkLocal/],
  ["fc00::1", /uniqueLocal/],
  ["fd12:3456::1", /uniqueLocal/],
  ["ff02::1", /multicast/],
  ["::ffff:127.0.0.1", /127\.0\.0\.1 is a loopback/], // IPv4-mapped, dotted
  ["::ffff:7f00:1", /127\.0\.0\.1 is a loopback/], // IPv4-mapped, hex
  ["::ffff:10.0.0.1", /10\.0\.0\.1 is a private/],
  ["::ffff:169.254.169.254", /linkLocal/],
  ["::7f00:1", /IPv4-compatible/], // deprecated IPv4-compatible form of 127.0.0.1
  ["::127.0.0.1", /loopback|IPv4-compatible/],
  ["64:ff9b::a00:1", /rfc6052/], // NAT64 of 10.0.0.1
  ["64:ff9b::7f00:1", /rfc6052/], // NAT64 of 127.0.0.1
  ["2002:7f00:1::", /6to4/], // 6to4 of 127.0.0.1
  ["2001:db8::", /reserved/], // documentation
  ["2001:db8::1", /reserved/],
];

describe("blockedReason", () => {
  it.each(BLOCKED)("refuses %s", (address, reason) => {
    setEnv({ WEBHOOK_ALLOWED_RANGES: undefined });
    expect(blockedReason(address)).toMatch(reason);
  });

  it.each(["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700::1111", "2a00:1450:4001:80b::200e"])("lets public %s through", (address) => {
    setEnv({ WEBHOOK_ALLOWED_RANGES: undefined });
    expect(blockedReason(address)).toBeNull();
  });

  it("refuses what is not an IP address", () => {
    expect(blockedReason("example.com")).toMatch(/not an IP address/);
    expect(blockedReason("")).toMatch(/not an IP address/);
  });

  it("allows exactly the operator's ranges, for IPv4, IPv6 and IPv4-mapped forms", () => {
    setEnv({ WEBHOOK_ALLOWED_RANGES: "127.0.0.0/8, 10.1.0.0/16,::1/128" });
    expect(blockedReason("127.0.0.1")).toBeNull();
    expect(blockedReason("127.1")).toBeNull();
    expect(blockedReason("::ffff:127.0.0.1")).toBeNull();
    expect(blockedReason("::1")).toBeNull();
    expect(blockedReason("10.1.2.3")).toBeNull();
    // Neighbouring ranges stay closed.
    expect(blockedReason("10.2.0.1")).toMatch(/private/);
    expect(blockedReason("169.254.169.254")).toMatch(/linkLocal/);
    expect(blockedReason("fe80::1")).toMatch(/linkLocal/);
    expect(blockedReason("192.168.1.1")).toMatch(/private/);
  });
});

describe("checkUrl", () => {
  const LITERAL_URLS: [string, RegExp][] = [
    ["http://127.0.0.1/hook", /loopback/],
    ["http://127.1/hook", /loopback/],
    ["http://2130706433/hook", /loopback/],
    ["http://0x7f000001/hook", /loopback/],
    ["http://0x7f.1/hook", /loopback/],
    ["http://0177.0.0.1/hook", /loopback/],
    ["http://127.0.0.1.:8080/hook", /loopback/],
    ["https://0.0.0.0/hook", /unspecified/],
    ["https://10.0.0.1/hook", /private/],
    ["https://172.16.5.4/hook", /private/],
    ["https://192.168.1.1/hook", /private/],
    ["http://169.254.169.254/latest/meta-data/", /linkLocal/],
    ["https://100.64.0.1/hook", /carrierGradeNat/],
    ["https://224.0.0.1/hook", /multicast/],
    ["https://255.255.255.255/hook", /broadcast/],
    ["https://[::1]/hook", /loopback/],
    ["https://[::]/hook", /unspecified/],
    ["https://[fe80::1]/hook", /linkLocal/],
    ["https://[fc00::1]/hook", /uniqueLocal/],
    ["https://[::ffff:127.0.0.1]/hook", /loopback/],
    ["https://[::ffff:7f00:1]/hook", /loopback/],
    ["https://[::ffff:10.0.0.1]/hook", /private/],
    ["https://[::7f00:1]/hook", /IPv4-compatible/],
    ["https://[64:ff9b::a00:1]/hook", /rfc6052/],
    ["https://[2001:db8::]/hook", /reserved/],
  ];

  it.each(LITERAL_URLS)("refuses %s", (url, reason) => {
    setEnv({ WEBHOOK_ALLOWED_RANGES: undefined });
    const checked = checkUrl(url);
    expect(checked).toHaveProperty("error");
    expect((checked as { error: string }).error).toMatch(/private or internal address/);
    expect((checked as { error: string }).error).toMatch(reason);
  });

  it.each(["https://93.184.216.34/hook", "https://[2606:4700::1111]/hook", "https://hooks.example.com/cartback", "https://example.com:8443/x?y=1"])("accepts %s", (url) => {
    setEnv({ WEBHOOK_ALLOWED_RANGES: undefined });
    const checked = checkUrl(url);
    expect(checked).toHaveProperty("url");
  });

  it.each(["http://localhost/hook", "http://LOCALHOST:3000/hook", "http://localhost./hook", "http://foo.localhost/hook", "https://metadata.google.internal/", "http://intranet/hook", "http://vm:8080/"])(
    "refuses the internal name %s",
    (url) => {
      setEnv({ WEBHOOK_ALLOWED_RANGES: undefined });
      expect(checkUrl(url)).toEqual({ error: "must be a public host name" });
    },
  );

  it("refuses URLs that are not http(s), are malformed or carry credentials", () => {
    for (const url of ["ftp://example.com/x", "file:///etc/passwd", "gopher://example.com/", "javascript:alert(1)", "ws://example.com/"]) {
      expect(checkUrl(url)).toEqual({ error: "must be an http(s) URL" });
    }
    expect(checkUrl("not a url")).toEqual({ error: "must be a valid URL" });
    expect(checkUrl("https://user:pass@example.com/")).toEqual({ error: "must not contain credentials" });
  });

  it("refuses http in production unless WEBHOOK_ALLOW_HTTP=true", () => {
    setEnv({ NODE_ENV: "production", WEBHOOK_ALLOW_HTTP: undefined });
    expect(checkUrl("http://example.com/hook")).toEqual({ error: "must be an https URL" });
    expect(checkUrl("https://example.com/hook")).toHaveProperty("url");
    setEnv({ NODE_ENV: "production", WEBHOOK_ALLOW_HTTP: "false" });
    expect(checkUrl("http://example.com/hook")).toEqual({ error: "must be an https URL" });
    setEnv({ NODE_ENV: "production", WEBHOOK_ALLOW_HTTP: "true" });
    expect(checkUrl("http://example.com/hook")).toHaveProperty("url");
    // Allowing http does not allow other schemes, nor private addresses.
    expect(checkUrl("ftp://example.com/")).toHaveProperty("error");
    expect(checkUrl("http://10.0.0.1/")).toHaveProperty("error");
  });

  it("allows http outside production", () => {
    setEnv({ NODE_ENV: "test", WEBHOOK_ALLOW_HTTP: undefined });
    expect(checkUrl("http://example.com/hook")).toHaveProperty("url");
  });

  it("lets the operator's ranges (and then local names) through, nothing more", () => {
    setEnv({ WEBHOOK_ALLOWED_RANGES: "127.0.0.0/8,::1/128" });
    expect(checkUrl("http://127.0.0.1:4000/hook")).toHaveProperty("url");
    expect(checkUrl("http://2130706433:4000/hook")).toHaveProperty("url");
    expect(checkUrl("http://[::1]:4000/hook")).toHaveProperty("url");
    expect(checkUrl("http://localhost:4000/hook")).toHaveProperty("url"); // judged at connect time
    expect(checkUrl("http://10.0.0.1/hook")).toHaveProperty("error");
    expect(checkUrl("http://169.254.169.254/")).toHaveProperty("error");
  });
});

describe("guardedLookup", () => {
  function lookup(hostname: string, options: { all?: boolean } = {}) {
    return new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) => {
      guardedLookup(hostname, options as never, ((error: NodeJS.ErrnoException | null, address: unknown, family?: number) => resolve({ error, address, family })) as never);
    });
  }

  it("refuses a name that resolves to loopback", async () => {
    setEnv({ WEBHOOK_ALLOWED_RANGES: undefined });
    const { error } = await lookup("localhost");
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error!.message).toMatch(/Refused to connect to localhost: .* is a loopback address/);
  });

  it("gives the addresses when they are allowed, one or all as asked", async () => {
    setEnv({ WEBHOOK_ALLOWED_RANGES: "127.0.0.0/8,::1/128" });
    const one = await lookup("localhost");
    expect(one.error).toBeNull();
    expect(["127.0.0.1", "::1"]).toContain(one.address);
    const all = await lookup("localhost", { all: true });
    expect(all.error).toBeNull();
    expect(Array.isArray(all.address)).toBe(true);
  });

  it("refuses when any of the answers is internal, even next to a public one", async () => {
    setEnv({ WEBHOOK_ALLOWED_RANGES: undefined });
    fakeDns.answers.set("mixed.rebind.test", [
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.7", family: 4 },
    ]);
    const { error } = await lookup("mixed.rebind.test", { all: true });
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error!.message).toMatch(/10\.0\.0\.7 is a private address/);
    fakeDns.answers.set("mapped.rebind.test", [{ address: "::ffff:169.254.169.254", family: 6 }]);
    expect((await lookup("mapped.rebind.test")).error!.message).toMatch(/169\.254\.169\.254 is a linkLocal address/);
  });

  it("passes resolver errors on, and treats an empty answer as not found", async () => {
    fakeDns.answers.set("missing.rebind.test", Object.assign(new Error("getaddrinfo ENOTFOUND missing.rebind.test"), { code: "ENOTFOUND" }));
    const missing = await lookup("missing.rebind.test");
    expect(missing.error).toMatchObject({ code: "ENOTFOUND" });
    expect(missing.error).not.toBeInstanceOf(BlockedAddressError);
    fakeDns.answers.set("empty.rebind.test", []);
    expect((await lookup("empty.rebind.test")).error).toMatchObject({ code: "ENOTFOUND" });
  });

  it("fails the connection, not the process, when the allowed ranges cannot be parsed", async () => {
    // Passes env.ts's pattern check but is not a valid CIDR.
    setEnv({ WEBHOOK_ALLOWED_RANGES: "127.0.0.0/33" });
    const { error } = await lookup("localhost");
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(BlockedAddressError);
  });
});

describe("sendWebhook connects only to allowed addresses (checked at connect time)", () => {
  let server: http.Server;
  let port: number;
  const seen: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.headers.host} ${req.url}`);
      req.resume();
      req.on("end", () => res.writeHead(200).end("ok"));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  afterEach(() => {
    seen.length = 0;
  });

  it("refuses localhost by name when no range is allowed; nothing reaches the receiver", async () => {
    setEnv({ WEBHOOK_ALLOWED_RANGES: undefined });
    const result = await sendWebhook(`http://localhost:${port}/`, "{}", {});
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.error).toMatch(/public host name/);
    expect(seen).toEqual([]);
  });

  it("refuses at connect time when the name resolves to an address outside the allowed ranges", async () => {
    // An unrelated allowed range lets the name past checkUrl; the socket's lookup still refuses.
    setEnv({ WEBHOOK_ALLOWED_RANGES: "192.0.2.0/24" });
    const result = await sendWebhook(`http://localhost:${port}/`, "{}", {});
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.error).toMatch(/Refused to connect to localhost: 127\.0\.0\.1 is a loopback address/);
    expect(seen).toEqual([]);
  });

  it("refuses a public-looking name that resolves (now) to loopback: DNS rebinding", async () => {
    setEnv({ WEBHOOK_ALLOWED_RANGES: undefined });
    fakeDns.answers.set("hooks.rebind.test", [{ address: "127.0.0.1", family: 4 }]);
    // Nothing is resolved when the URL is checked (e.g. when the endpoint was saved) ...
    expect(checkUrl(`http://hooks.rebind.test:${port}/`)).toHaveProperty("url");
    expect(fakeDns.calls).toEqual([]);
    // ... the address is judged when the socket connects.
    const result = await sendWebhook(`http://hooks.rebind.test:${port}/`, "{}", {});
    expect(result.error).toMatch(/Refused to connect to hooks\.rebind\.test: 127\.0\.0\.1 is a loopback address/);
    expect(fakeDns.calls).toContain("hooks.rebind.test");
    expect(seen).toEqual([]);
  });

  it("refuses literal internal addresses in every spelling before connecting", async () => {
    setEnv({ WEBHOOK_ALLOWED_RANGES: undefined });
    for (const host of ["127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]"]) {
      const result = await sendWebhook(`http://${host}:${port}/`, "{}", {});
      expect(result.error, host).toMatch(/private or internal address/);
    }
    expect(seen).toEqual([]);
  });

  it("connects when the operator allows loopback, to the address the guarded lookup gave", async () => {
    // localhost may also resolve to ::1 on other machines; allow both loopbacks.
    setEnv({ WEBHOOK_ALLOWED_RANGES: "127.0.0.0/8,::1/128" });
    const byName = await sendWebhook(`http://localhost:${port}/by-name`, "{}", {});
    expect(byName).toMatchObject({ ok: true, status: 200, body: "ok", error: null });
    fakeDns.answers.set("hooks.rebind.test", [{ address: "127.0.0.1", family: 4 }]);
    const rebound = await sendWebhook(`http://hooks.rebind.test:${port}/rebound`, "{}", {});
    expect(rebound).toMatchObject({ ok: true, status: 200 });
    const literal = await sendWebhook(`http://127.0.0.1:${port}/literal`, "{}", {});
    expect(literal).toMatchObject({ ok: true, status: 200 });
    expect(seen).toEqual([`POST localhost:${port} /by-name`, `POST hooks.rebind.test:${port} /rebound`, `POST 127.0.0.1:${port} /literal`]);
  });

  it("allowing 127.0.0.0/8 alone lets localhost through where it resolves only to 127.0.0.1", async () => {
    setEnv({ WEBHOOK_ALLOWED_RANGES: "127.0.0.0/8" });
    fakeDns.answers.set("loopback-only.rebind.test", [{ address: "127.0.0.1", family: 4 }]);
    const result = await sendWebhook(`http://loopback-only.rebind.test:${port}/only-v4`, "{}", {});
    expect(result).toMatchObject({ ok: true, status: 200 });
    // ... but not ::1, which is outside it.
    fakeDns.answers.set("v6.rebind.test", [{ address: "::1", family: 6 }]);
    expect((await sendWebhook(`http://v6.rebind.test:${port}/`, "{}", {})).error).toMatch(/::1 is a loopback address/);
    expect(seen).toEqual([`POST loopback-only.rebind.test:${port} /only-v4`]);
  });
});
