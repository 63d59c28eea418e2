import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, readdirSync, readFileSync } from "node:fs";

export type Started = { child: ChildProcess; url: string; stop: () => Promise<void> };

/** Starts a server process with its output in `logFile`, and waits until `readyPath` answers 200. */
export async function startServer(options: {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  url: string;
  readyPath: string;
  logFile: string;
  timeoutMs?: number;
}): Promise<Started> {
  const occupied = await fetch(options.url + options.readyPath).then(
    () => true,
    () => false,
  );
  // Otherwise a server left over from an earlier run would answer in this one's place.
  if (occupied) throw new Error(`Something already answers at ${options.url}; stop it or choose another port`);
  const log = createWriteStream(options.logFile);
  const child = spawn(options.command, options.args, { env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  let exited: number | null = null;
  child.on("exit", (code) => (exited = code ?? -1));
  const stop = async () => {
    if (exited !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await gone;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  let last = "";
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`${options.name} exited with code ${exited} before it was ready; see ${options.logFile}`);
    try {
      const res = await fetch(options.url + options.readyPath);
      if (res.ok) return { child, url: options.url, stop };
      last = res.status === 404 ? "HTTP 404: a build made before this path existed?" : `HTTP ${res.status}`;
      if (res.status === 404) break;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`${options.name} did not answer ${options.readyPath} with 200 (${last}); see ${options.logFile}`);
}

/** Resident memory of a process and all its descendants, in bytes (Linux /proc). */
export function treeRss(pid: number): number {
  let total = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (match) total += Number(match[1]) * 1024;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** Every process below `pid` (Linux /proc), children first. */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const task of tasks) {
    let children = "";
    try {
      children = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8");
    } catch {
      continue;
    }
    for (const child of children.split(/\s+/).filter(Boolean).map(Number)) out.push(child, ...descendants(child));
  }
  return out;
}

/** Samples a process tree's RSS every `everyMs` and keeps the largest value and when it was seen. */
export class RssSampler {
  max = 0;
  maxDuring = "";
  current = "startup";
  private timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    everyMs = 250,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample(): void {
    const rss = treeRss(this.pid);
    if (rss > this.max) {
      this.max = rss;
      this.maxDuring = this.current;
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }
}
