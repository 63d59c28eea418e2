import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * Which app instance opened a loopback connection to one of our servers (webhook receiver, SMTP),
 * from Linux's socket tables: the client socket is the one whose local port is the peer's port;
 * its inode is among the open files of exactly one process. Jobs claimed by any instance are
 * then counted per instance, which shows they are really shared. "unknown" off Linux.
 */
export function socketOwner(peerPort: number, serverPort: number, instances: { name: string; pids: () => number[] }[]): string {
  const inode = clientInode(peerPort, serverPort);
  if (!inode) return "unknown";
  const target = `socket:[${inode}]`;
  for (const instance of instances) {
    for (const pid of instance.pids()) {
      let fds: string[] = [];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        try {
          if (readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return instance.name;
        } catch {
          // closed meanwhile
        }
      }
    }
  }
  return "unknown";
}

function clientInode(localPort: number, remotePort: number): string | undefined {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      if (f[1]!.endsWith(`:${hex(localPort)}`) && f[2]!.endsWith(`:${hex(remotePort)}`)) return f[9];
    }
  }
  return undefined;
}
