import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

export type FirstLoad = { bytes: number; files: { file: string; gzip: number }[]; missing: string[] };

/**
 * The JavaScript a first visit to a page downloads: every /_next/static/….js the HTML names
 * (script tags, preloads, and the chunks the RSC payload lists for its client components),
 * gzipped (level 9, as Next's build report measures), read from the build's .next/static.
 */
export function firstLoadJs(html: string, nextDir: string): FirstLoad {
  const found = new Set<string>();
  // `<script noModule>` (Next's legacy polyfills) never loads in a browser that runs modules, so it
  // is not part of the first load (Next's own build report leaves it out too).
  const legacy = new Set([...html.matchAll(/<script[^>]*\bsrc="\/_next\/(static\/[^"]+\.js)"[^>]*\bnoModule\b[^>]*>/gi)].map((m) => m[1]!));
  for (const match of html.matchAll(/(?:\/_next\/)?(static\/[A-Za-z0-9_\-./~%[\]@]+?\.js)(?=[?"'\\\s])/g)) {
    if (!legacy.has(match[1]!)) found.add(match[1]!);
  }
  const files: FirstLoad["files"] = [];
  const missing: string[] = [];
  for (const rel of [...found].sort()) {
    const file = path.join(nextDir, decodeURIComponent(rel));
    if (!existsSync(file)) {
      missing.push(rel);
      continue;
    }
    files.push({ file: rel, gzip: gzipSync(readFileSync(file), { level: 9 }).length });
  }
  return { bytes: files.reduce((n, f) => n + f.gzip, 0), files, missing };
}
