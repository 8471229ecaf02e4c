// Drops raw events past the retention window, in small batches, hourly; the rollups keep the charts.
import type { Logger } from "pino";
import type { Storage } from "./storage.js";

const DAY_MS = 86_400_000;
const BATCH = 10_000;

export class EventRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly days: number,
    private readonly clock: () => number,
    private readonly logger: Logger,
  ) {}

  /** Events older than this may not be (re)sent: their ids are no longer kept to dedupe. */
  horizon(): number {
    return this.clock() - this.days * DAY_MS;
  }

  start(everyMs = 3_600_000): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Deletes in batches so writers get the database between them. */
  sweep(): Promise<void> {
    this.running ??= (async () => {
      let total = 0;
      try {
        for (;;) {
          const deleted = await this.storage.deleteEventsBefore(this.horizon(), BATCH);
          total += deleted;
          if (deleted < BATCH) break;
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (total > 0)
          this.logger.info(
            { deleted: total, days: this.days },
            "dropped raw events past retention",
          );
      } catch (error) {
        this.logger.error({ err: error }, "event retention sweep failed; will retry");
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
