import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { firstLoadJs } from "./first-load";

describe("firstLoadJs", () => {
  it("sums the gzipped scripts a page names, once each, leaving out noModule legacy polyfills", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "first-load-"));
    mkdirSync(path.join(dir, "static/chunks"), { recursive: true });
    const write = (name: string, body: string) => writeFileSync(path.join(dir, "static/chunks", name), body);
    write("app.js", "console.log('app');".repeat(50));
    write("page.js", "export const page = 1;".repeat(20));
    write("polyfills.js", "/* core-js */".repeat(500));
    const html = [
      '<script src="/_next/static/chunks/polyfills.js" noModule=""></script>',
      '<script src="/_next/static/chunks/app.js" async=""></script>',
      '<link rel="preload" href="/_next/static/chunks/page.js"/>',
      '<script>self.__next_f.push([1,"static/chunks/app.js"])</script>',
    ].join("");
    const result = firstLoadJs(html, dir);
    expect(result.files.map((f) => f.file)).toEqual(["static/chunks/app.js", "static/chunks/page.js"]);
    const gz = (s: string) => gzipSync(Buffer.from(s), { level: 9 }).length;
    expect(result.bytes).toBe(gz("console.log('app');".repeat(50)) + gz("export const page = 1;".repeat(20)));
  });
});
