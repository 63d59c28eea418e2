import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
import { descendants } from "@/bench/lib/processes";

export const ROOT = path.join(import.meta.dirname, "..", "..");
/** The project whose `.next` build runs: this checkout, or FAULTS_APP_DIR (another build of it). */
export const APP_DIR = process.env.FAULTS_APP_DIR ? path.resolve(process.env.FAULTS_APP_DIR) : ROOT;

/** A port nobody listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * One `next start` of the existing production build. It runs in its own process group, so
 * `kill()` (SIGKILL) takes down the server and anything it started, as a crash or an OOM kill does.
 */
export class AppInstance {
  child?: ChildProcess;
  private exited = true;
  /** Wall-clock of the last start() call and of the moment it answered its first request. */
  startedAt = 0;
  readyAt = 0;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    /** A key of a business that exists: readiness means an authenticated API call answered 200. */
    private readonly probeKey: string,
    private readonly logFile: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.exited ? undefined : this.child?.pid;
  }

  async start(timeoutMs = 90_000): Promise<void> {
    const next = createRequire(import.meta.url).resolve("next/dist/bin/next");
    const log = createWriteStream(this.logFile, { flags: "a" });
    log.write(`\n===== ${new Date().toISOString()} start ${this.name} on ${this.port}\n`);
    this.startedAt = Date.now();
    const child = spawn(process.execPath, [next, "start", APP_DIR, "-p", String(this.port), "-H", "127.0.0.1"], {
      cwd: APP_DIR,
      env: this.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.child = child;
    this.exited = false;
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    child.once("exit", () => (this.exited = true));
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`${this.name} exited before it was ready; see ${this.logFile}`);
      try {
        const res = await fetch(`${this.url}/api/carts?limit=1`, { headers: { "x-api-key": this.probeKey }, signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        if (res.ok) {
          this.readyAt = Date.now();
          return;
        }
        last = `HTTP ${res.status}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await sleep(100);
    }
    throw new Error(`${this.name} did not become ready in ${timeoutMs} ms (${last}); see ${this.logFile}`);
  }

  /** SIGKILL to the whole process group; resolves once the server process is gone. */
  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  /** SIGTERM (a normal stop), SIGKILL after 15 s. */
  async stop(): Promise<void> {
    const timer = setTimeout(() => void this.signal("SIGKILL"), 15_000);
    await this.signal("SIGTERM");
    clearTimeout(timer);
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
    await gone;
  }

  /** The server process and its descendants (for attributing sockets to an instance). */
  pids(): number[] {
    const pid = this.pid;
    return pid ? [pid, ...descendants(pid)] : [];
  }

  logTail(lines = 40): string {
    try {
      return readFileSync(this.logFile, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
