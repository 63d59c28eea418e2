import { describe, expect, it } from "vitest";
import { authenticate } from "@/lib/auth/api-keys";
import { staffFromHeaders } from "@/lib/auth/staff";
import { newBusiness } from "@/lib/testing/fixtures";
import { signIn } from "@/lib/testing/staff";
import { runCli } from "./cli";

/** Runs the CLI with its output captured. */
async function cli(...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(argv, { log: (l) => stdout.push(l), error: (l) => stderr.push(l) });
  return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") };
}

const headersFor = (key: string) => new Headers({ "x-api-key": key });

function keyIn(text: string): string {
  const match = /(cbk_\S+)/.exec(text);
  if (!match) throw new Error(`no API key in: ${text}`);
  return match[1]!;
}

async function newBusinessViaCli(name = "CLI Shop") {
  const res = await cli("business", "create", "--name", name, "--currency", "eur");
  expect(res.code).toBe(0);
  const id = /Created business (business_\w+)/.exec(res.stdout)?.[1];
  expect(id).toBeDefined();
  return { id: id!, key: keyIn(res.stdout) };
}

describe("cli", () => {
  it("business create prints the business and a key that authenticates", async () => {
    const { id, key } = await newBusinessViaCli("Key Shop");
    const { business } = await authenticate(headersFor(key));
    expect(business.id).toBe(id);
    expect(business.name).toBe("Key Shop");
    expect(business.defaultCurrency).toBe("EUR");
  });

  it("business list shows created businesses", async () => {
    const { id } = await newBusinessViaCli("Listed Shop");
    const res = await cli("business", "list");
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^ID\s+NAME\s+CURRENCY\s+CREATED/);
    expect(res.stdout).toContain(id);
    expect(res.stdout).toContain("Listed Shop");
  });

  it("creates, lists and revokes keys; a revoked key no longer authenticates", async () => {
    const { id } = await newBusinessViaCli();
    const created = await cli("key", "create", "--business", id, "--name", "Server");
    expect(created.code).toBe(0);
    const key = keyIn(created.stdout);
    const keyId = /Created key (key_\w+) \(Server\)/.exec(created.stdout)?.[1];
    expect(keyId).toBeDefined();
    expect((await authenticate(headersFor(key))).business.id).toBe(id);

    const listed = await cli("key", "list", "--business", id);
    expect(listed.code).toBe(0);
    const serverRow = listed.stdout.split("\n").find((line) => line.startsWith(keyId!));
    expect(serverRow).toContain("Server");
    expect(serverRow).toContain(key.slice(0, 12));
    expect(serverRow).toMatch(/no$/);
    expect(listed.stdout).toContain("Default");

    const revoked = await cli("key", "revoke", "--business", id, "--key", keyId!);
    expect(revoked.code).toBe(0);
    await expect(authenticate(headersFor(key))).rejects.toThrow(/Invalid or revoked/);

    const again = await cli("key", "revoke", "--business", id, "--key", keyId!);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no active key/);
    const afterList = await cli("key", "list", "--business", id);
    expect(afterList.stdout.split("\n").find((line) => line.startsWith(keyId!))).not.toMatch(/no$/);
  });

  it("key create for a missing business fails with a clear message", async () => {
    const res = await cli("key", "create", "--business", "business_missing");
    expect(res.code).toBe(1);
    expect(res.stderr).toBe("Error: No business with id business_missing (see: npm run cli -- business list)");
    expect(res.stdout).toBe("");
  });

  it("rejects a bad currency with exit code 1", async () => {
    const res = await cli("business", "create", "--name", "X", "--currency", "XXX");
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/Unknown currency XXX/);
  });

  it("answers unknown commands, unknown flags and missing flags with usage and exit code 2", async () => {
    for (const argv of [["frobnicate"], ["key", "delete"], ["business", "list", "--all"], ["key", "create"]]) {
      const res = await cli(...argv);
      expect(res.code, argv.join(" ")).toBe(2);
      expect(res.stderr).toContain("Usage: npm run cli");
      expect(res.stdout).toBe("");
    }
  });

  it("prints usage for help and no arguments", async () => {
    for (const argv of [[], ["help"]]) {
      const res = await cli(...argv);
      expect(res.code).toBe(0);
      expect(res.stdout).toContain("Usage: npm run cli");
    }
  });
});

describe("staff create", () => {
  it("creates a login that can sign in with the printed password and has the role", async () => {
    const { business } = await newBusiness();
    const lines: string[] = [];
    const email = `cli-${Date.now()}@staff.test`;
    const code = await runCli(["staff", "create", "--business", business.id, "--email", email, "--name", "Cli Person", "--role", "agent"], {
      log: (l) => lines.push(l),
      error: (l) => lines.push(l),
    });
    expect(code).toBe(0);
    const password = lines.join("\n").match(/Password \(shown once, store it now\): (\S+)/)![1]!;
    const cookie = await signIn(email, password);
    expect(await staffFromHeaders(new Headers({ cookie }))).toMatchObject({ role: "agent", business: { id: business.id } });
    const bad = await runCli(["staff", "create", "--business", business.id, "--email", "x@y.co", "--name", "X", "--role", "boss"], { log: () => {}, error: () => {} });
    expect(bad).toBe(2);
  });
});
