// A PostgreSQL node's connection of its own that LISTENs on INDEX_CHANNEL: what tells the node at
// once that another node committed a change to the index log.
import pg from "pg";
import { INDEX_CHANNEL } from "./postgres-index-log.js";

/** The listening connection's application_name (pg_stat_activity shows it). */
export const LISTENER_NAME = "rollcall index listener";

export class IndexLogListener {
  private client: pg.Client | null = null;
  private isStopped = false;

  constructor(
    private readonly url: string,
    /** Called on each notification, and once listening (for what was committed before). */
    private readonly onNotice: () => void,
    /** Where connection failures go; `listen` again tries anew. */
    private readonly onError: (error: unknown) => void,
  ) {}

  /**
   * Connects and listens, unless it already does: a connection that fails or ends is dropped,
   * and notifications are lost until the next call.
   */
  listen(): void {
    if (this.client || this.isStopped) return;
    const client = new pg.Client({ connectionString: this.url, application_name: LISTENER_NAME });
    this.client = client;
    const drop = () => {
      if (this.client === client) this.client = null;
      void client.end().catch(() => undefined);
    };
    client.on("error", drop);
    client.on("end", drop);
    client.on("notification", () => this.onNotice());
    client
      .connect()
      .then(() => client.query(`LISTEN ${INDEX_CHANNEL}`))
      .then(() => this.onNotice()) // what was committed before it listened
      .catch((error: unknown) => {
        this.onError(error);
        drop();
      });
  }

  /** Closes the connection; `listen` does nothing from now on. */
  async stop(): Promise<void> {
    this.isStopped = true;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
