const holder = globalThis as typeof globalThis & { __cartbackJobs?: Map<string, NodeJS.Timeout> };

/**
 * Runs `job` every `intervalMs` in this process, once per name (a second call is ignored, so
 * hot reloads and repeated imports start nothing twice). A run still going when the next tick
 * comes is not overlapped; a failure is logged and the next tick tries again. Jobs are written to
 * be safe with several instances (rows claimed with SKIP LOCKED or unique inserts), so every
 * instance may run them.
 */
export function every(name: string, intervalMs: number, job: () => Promise<unknown>): void {
  const jobs = (holder.__cartbackJobs ??= new Map());
  if (jobs.has(name)) return;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      await job();
    } catch (error) {
      console.error(`[cartback] ${name} failed:`, error instanceof Error ? error.message : error);
    } finally {
      busy = false;
    }
  }, intervalMs);
  timer.unref();
  jobs.set(name, timer);
}
