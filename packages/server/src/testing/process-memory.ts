// Resident memory of another process (a server under test): now, and its peak, from /proc (Linux) or ps.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export interface ResidentMemory {
  /** Resident set size now, in bytes. */
  rss: number;
  /** Highest resident set size since the process started (Linux VmHWM); null where unknown. */
  peakRss: number | null;
}

/** Reads a process's resident memory; throws when the process is gone. */
export function residentMemory(pid: number): ResidentMemory {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || process.platform === "linux") {
      throw new Error(`process ${pid} is gone: ${(error as Error).message}`);
    }
    // No /proc (macOS): ps gives the current size only.
    const kb = Number(execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" }));
    return { rss: kb * 1024, peakRss: null };
  }
  return { rss: kilobytes(status, "VmRSS") * 1024, peakRss: kilobytes(status, "VmHWM") * 1024 };
}

function kilobytes(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  if (!match) throw new Error(`no ${field} in /proc status`);
  return Number(match[1]);
}

/** Samples a process's RSS every `everyMs` until stopped: its peak, and its floor over a stretch. */
export class MemorySampler {
  private readonly samples: number[] = [];
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    everyMs: number,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  /** A mark to take the floor from. */
  mark(): number {
    return this.samples.length;
  }

  /** The lowest RSS sampled since `mark` (and now), in bytes: what is left after a collection. */
  floorSince(mark: number): number {
    this.sample();
    return Math.min(...this.samples.slice(mark));
  }

  /** Stops; returns the highest RSS seen (with Linux's high-water mark, even between samples). */
  stop(): number {
    this.sample();
    clearInterval(this.timer);
    return this.peak;
  }

  private sample(): void {
    try {
      const { rss, peakRss } = residentMemory(this.pid);
      this.samples.push(rss);
      this.peak = Math.max(this.peak, rss, peakRss ?? 0);
    } catch {
      // The process ended; the test notices that on its own.
    }
  }
}
