import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { userInfo } from "node:os";

const run = promisify(execFile);

/**
 * A PostgreSQL server of our own (initdb in a temporary folder, pg_ctl on a free loopback port),
 * so the fault runs can stop and start it without touching any other database on the machine.
 */
export type PrivatePostgres = {
  url: string;
  port: number;
  logFile: string;
  /** pg_ctl stop -m fast: backends are terminated at once, the server checkpoints and exits. */
  stop: () => Promise<void>;
  /** pg_ctl start -w: returns once the server accepts connections. */
  start: () => Promise<void>;
  /** Stops it (immediate) if running; the folder stays for the caller to remove. */
  destroy: () => Promise<void>;
};

/** Where initdb and pg_ctl are: PG_BIN, else the PATH, else Debian's /usr/lib/postgresql/<newest>/bin. */
export function postgresBin(): string {
  const candidates = [process.env.PG_BIN, ...(process.env.PATH ?? "").split(":")].filter((d): d is string => Boolean(d));
  for (const dir of candidates) if (existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "pg_ctl"))) return dir;
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(path.join(debian, v, "bin", "initdb"))) return path.join(debian, v, "bin");
  }
  throw new Error("PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL or set PG_BIN");
}

/** initdb refuses to run as root: as root, the server runs as the `postgres` user. */
function asServerUser(): { wrap: (cmd: string, args: string[]) => [string, string[]]; uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return { wrap: (cmd, args) => [cmd, args] };
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line) throw new Error("Running as root needs a `postgres` system user to run the private PostgreSQL server (initdb refuses root)");
  const [, , uid, gid] = line.split(":");
  return { wrap: (cmd, args) => ["runuser", ["-u", "postgres", "--", cmd, ...args]], uid: Number(uid), gid: Number(gid) };
}

export async function startPrivatePostgres(dir: string, port: number): Promise<PrivatePostgres> {
  const bin = postgresBin();
  const user = asServerUser();
  mkdirSync(dir, { recursive: true });
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  const data = path.join(dir, "data");
  const logFile = path.join(dir, "postgres.log");
  const exec = async (tool: string, args: string[]) => {
    const [cmd, argv] = user.wrap(path.join(bin, tool), args);
    try {
      return await run(cmd, argv, { timeout: 60_000 });
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`${tool} ${args.join(" ")} failed: ${e.stderr?.trim() || e.message}`);
    }
  };
  await exec("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync"]);
  // Loopback TCP only, the socket in our folder; enough connections for three app instances.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  const start = async () => {
    await exec("pg_ctl", ["-D", data, "-l", logFile, "-o", options, "-w", "-t", "60", "start"]);
  };
  const stopWith = async (mode: "fast" | "immediate") => {
    await exec("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "60", "stop"]);
  };
  await start();
  let destroyed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    logFile,
    start,
    stop: () => stopWith("fast"),
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      await stopWith("immediate").catch(() => {}); // already stopped
    },
  };
}
