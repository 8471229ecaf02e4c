// Whether storage answers, for /healthz: the FactWriter's failing writes and a periodic cheap probe.
import type { FactWriter } from "./fact-writer.js";
import type { Storage } from "./storage.js";

/** "down": writes fail or the probe gets no answer; events are refused until it is "ok" again. */
export type StorageState = "ok" | "down";

export interface StorageHealthOptions {
  /** How often the probe runs (it also notices recovery when nothing is being written). */
  probeEveryMs: number;
  /** Called when the state changes, with the probe's error when it went down. */
  onChange?: (state: StorageState, error?: unknown) => void;
}

export class StorageHealth {
  private isProbeFailing = false;
  private probing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastState: StorageState = "ok";

  constructor(
    private readonly storage: Pick<Storage, "ping">,
    private readonly writer: Pick<FactWriter, "isFailing" | "retryNow">,
    private readonly options: StorageHealthOptions,
  ) {}

  state(): StorageState {
    const state = this.isProbeFailing || this.writer.isFailing() ? "down" : "ok";
    if (state !== this.lastState) {
      this.lastState = state;
      this.options.onChange?.(state);
    }
    return state;
  }

  /** One probe (never two at once); when storage answers again, the writer retries at once. */
  probe(): Promise<void> {
    this.probing ??= this.storage
      .ping()
      .then(
        () => {
          this.isProbeFailing = false;
          this.writer.retryNow();
        },
        (error: unknown) => {
          const wasDown = this.lastState === "down";
          this.isProbeFailing = true;
          if (!wasDown) {
            this.lastState = "down";
            this.options.onChange?.("down", error);
          }
        },
      )
      .finally(() => {
        this.probing = null;
        this.state();
      });
    return this.probing;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.probe(), this.options.probeEveryMs);
    this.timer.unref();
  }

  /** Stops probing; resolves once a probe under way has finished (before storage closes). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.probing;
  }
}
