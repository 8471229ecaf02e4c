// What a tracker may do, whatever the transport: say hello, report presence, send events.
import {
  type ClientMessage,
  type ErrorMessage,
  type HelloMessage,
  PROTOCOL_VERSION,
  type WelcomeMessage,
} from "@rollcall/protocol";
import type { TokenVerifier, VerifiedUser } from "../auth/token-verifier.js";
import { AppError } from "../errors/app-error.js";
import type { ConnectionKey, Transport } from "../presence/engine/types.js";
import type { PresenceService } from "../presence/presence-service.js";
import { EventTimeBounds } from "../storage/event-time-bounds.js";
import type { FactWriter } from "../storage/fact-writer.js";
import type { UserDirectory } from "../users/user-directory.js";
import { TrackerMeter } from "./tracker-meter.js";

export interface TrackerGatewayOptions {
  verifier: TokenVerifier;
  directory: UserDirectory;
  writer: FactWriter;
  presence: PresenceService;
  heartbeatMs: number;
  idleMs: number;
  /** Events before this moment are past retention (null: none is). */
  eventHorizon?: () => number | null;
  /** Where the transports count messages and refusals (/metrics); a fresh one by default. */
  meter?: TrackerMeter;
}

export interface TrackerHello {
  key: ConnectionKey;
  welcome: WelcomeMessage;
}

/**
 * One event the server will never store (its `ts` is out of bounds): the tracker drops it from
 * its queue, and the connection goes on. Over WebSocket it becomes `toMessage()`, the socket
 * staying open; over HTTP, an entry of the batch's `refused`.
 */
export class RefusedEventError extends AppError {
  override name = "RefusedEventError";
  constructor(
    /** The refused event's id. */
    readonly eventId: string,
    message: string,
  ) {
    super("unprocessable", message);
  }

  toMessage(): ErrorMessage {
    return { t: "error", code: this.code, message: this.message, id: this.eventId };
  }
}

export class TrackerGateway {
  private readonly eventTimes: EventTimeBounds;
  readonly meter: TrackerMeter;

  constructor(private readonly options: TrackerGatewayOptions) {
    this.meter = options.meter ?? new TrackerMeter();
    this.eventTimes = new EventTimeBounds(
      () => options.presence.now(),
      options.eventHorizon ?? (() => null),
    );
  }

  /**
   * Verifies the token (throws AppError), registers the user on first sight, opens the
   * connection. `admit` may refuse the verified connection (by throwing) before anything changes.
   */
  async hello(
    message: HelloMessage,
    transport: Transport,
    admit?: (key: ConnectionKey) => void,
  ): Promise<TrackerHello> {
    // An HTTP tab presents its token on every request; a WebSocket, once.
    const verified = await this.options.verifier.verifyUser(message.token, {
      isRepeated: transport === "http",
    });
    const key: ConnectionKey = {
      platform: verified.platform,
      user: verified.claims.sub,
      tab: message.tab,
    };
    admit?.(key);
    this.register(verified);
    const { presence } = this.options;
    if (transport === "http" && presence.hasConnection(key)) {
      await this.syncHttpState(key, message);
    } else {
      // Awaited only with a shared store: what follows the hello needs the connection open.
      const opened = presence.handle({
        type: "connect",
        key,
        transport,
        page: message.page,
        isVisible: message.visible,
        inputAgoMs: message.inputAgoMs,
        device: message.device,
      });
      if (opened) await opened;
    }
    return { key, welcome: this.welcome(message.tab, verified) };
  }

  /** Registers the token's user on first sight, and any change to their profile. */
  private register({ platform, claims }: VerifiedUser): void {
    const { directory, writer, presence } = this.options;
    const profile = {
      id: claims.sub,
      name: claims.name ?? directory.get(platform, claims.sub)?.name ?? claims.sub,
      email: claims.email ?? directory.get(platform, claims.sub)?.email ?? "",
      role: claims.role ?? directory.get(platform, claims.sub)?.role ?? "",
    };
    if (directory.upsert(platform, profile, presence.now())) writer.addUser(platform, profile);
  }

  private welcome(tab: string, { claims, expiresAt }: VerifiedUser): WelcomeMessage {
    return {
      t: "welcome",
      v: PROTOCOL_VERSION,
      conn: tab,
      user: claims.sub,
      heartbeatMs: this.options.heartbeatMs,
      inputThrottleMs: Math.max(250, Math.min(10_000, Math.floor(this.options.idleMs / 4))),
      idleMs: this.options.idleMs,
      tokenExpiresAt: expiresAt,
    };
  }

  /** Switches an open connection to the user of a new token, on the same tab and page. */
  async identify(
    key: ConnectionKey,
    token: string,
    transport: Transport,
    admit?: (key: ConnectionKey) => void,
  ): Promise<TrackerHello> {
    const verified = await this.options.verifier.verifyUser(token, {
      isRepeated: transport === "http",
    });
    if (verified.platform === key.platform && verified.claims.sub === key.user) {
      // A fresh token for the same user (a refresh before expiry): the connection goes on as it
      // is; reconnecting would start a new page visit and count the refresh as user input.
      this.register(verified);
      return { key, welcome: this.welcome(key.tab, verified) };
    }
    const connection = this.options.presence
      .view(key.platform, key.user)
      ?.connections.find((c) => c.tab === key.tab);
    const next = await this.hello(
      {
        t: "hello",
        v: PROTOCOL_VERSION,
        token,
        tab: key.tab,
        page: connection?.page ?? { path: "/", title: "" },
        visible: connection?.isVisible ?? true,
        device: connection?.device ?? undefined,
      },
      transport,
      admit,
    );
    if (next.key.platform !== key.platform || next.key.user !== key.user) this.disconnect(key);
    return next;
  }

  /** The hot path: nothing to wait for with the memory store (heartbeats stay local anyway). */
  heartbeat(key: ConnectionKey): Promise<void> | undefined {
    return this.options.presence.handle({ type: "heartbeat", key }) ?? undefined;
  }

  /**
   * Applies one message of an open connection. Resolves to the event ids now durable (to
   * acknowledge), or an empty list. Rejects with RefusedEventError for an event whose `ts` is out
   * of bounds (EventTimeBounds): nothing of it is stored, and the connection stays as it was.
   */
  async handle(key: ConnectionKey, message: ClientMessage): Promise<string[]> {
    const { presence } = this.options;
    switch (message.t) {
      case "page":
        await presence.handle({ type: "page", key, page: message.page });
        return [];
      case "state":
        await presence.handle({ type: "visibility", key, isVisible: message.visible });
        return [];
      case "input":
        await presence.handle({ type: "input", key });
        return [];
      case "hb": {
        const done = this.heartbeat(key);
        if (done) await done;
        return [];
      }
      case "bye":
        await presence.handle({ type: "disconnect", key });
        return [];
      case "event": {
        const done = presence.handle({ type: "heartbeat", key });
        if (done) await done;
        const app = message.app !== undefined ? message.app : (this.currentApp(key) ?? null);
        const refusal = this.eventTimes.refusal(message.ts);
        if (refusal !== null) throw new RefusedEventError(message.id, `ts: ${refusal}`);
        await this.options.writer.addEvents([
          {
            platform: key.platform,
            id: message.id,
            user: key.user,
            name: message.name,
            app,
            ts: message.ts,
            props: message.props ?? null,
          },
        ]);
        return [message.id];
      }
      case "hello":
      case "identify":
        // Handled by the transport: both re-authenticate the connection.
        return [];
    }
  }

  /**
   * Every HTTP batch carries a hello with the tab's current state: apply what differs from the
   * open connection instead of reconnecting it (which would start a new page visit).
   */
  private async syncHttpState(key: ConnectionKey, message: HelloMessage): Promise<void> {
    const { presence } = this.options;
    const now = presence.now();
    const connection = presence
      .view(key.platform, key.user)
      ?.connections.find((c) => c.tab === key.tab);
    await presence.handle({ type: "heartbeat", key });
    if (!connection) return;
    const page = message.page;
    if (
      page.path !== connection.page.path ||
      page.title !== connection.page.title ||
      (page.app ?? null) !== (connection.page.app ?? null)
    ) {
      await presence.handle({ type: "page", key, page });
    }
    if (message.visible !== connection.isVisible) {
      await presence.handle({ type: "visibility", key, isVisible: message.visible });
    }
    if (message.inputAgoMs !== undefined && now - message.inputAgoMs > connection.lastInputAt) {
      await presence.handle({ type: "input", key });
    }
  }

  isOpen(key: ConnectionKey): boolean {
    return this.options.presence.hasConnection(key);
  }

  /** Never fails: a shared store that cannot be reached retries the drop by itself. */
  disconnect(key: ConnectionKey): void {
    const done = this.options.presence.handle({ type: "disconnect", key });
    done?.catch(() => undefined);
  }

  private currentApp(key: ConnectionKey): string | null | undefined {
    const view = this.options.presence.view(key.platform, key.user);
    return view?.connections.find((c) => c.tab === key.tab)?.page.app;
  }
}
