// `rollcall demo`: simulated people browse the demo platform over real tracker WebSockets.
import { randomBytes } from "node:crypto";
import {
  type ClientMessage,
  DEFAULT_PLATFORM,
  PROTOCOL_VERSION,
  type ServerMessage,
} from "@rollcall/protocol";
import WebSocket from "ws";
import { signUserToken } from "../auth/token-signer.js";
import type { Rollcall } from "../main.js";
import { DEMO_PAGES, type DemoPage, demoPeople } from "./demo-catalog.js";
import { demoHistory } from "./demo-history.js";

export interface DemoOptions {
  users: number;
  /** Lifetime of the visitors' tokens (at most ROLLCALL_MAX_TOKEN_SECONDS); one hour by default. */
  tokenSeconds?: number;
  /** Seeded randomness makes a run repeatable; Math.random otherwise. */
  random?: () => number;
}

const UA_CHROME =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const UA_FIREFOX =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";

/** Signs a fresh user token for a visitor, as the host platform's page would on request. */
type TokenSource = () => Promise<string>;

/** One simulated browser tab, speaking the tracker protocol. */
class DemoTab {
  private ws: WebSocket | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  readonly tab = randomBytes(12).toString("base64url");
  page: DemoPage;
  isVisible = true;

  constructor(
    private readonly url: string,
    private readonly tokenOf: TokenSource,
    page: DemoPage,
    private readonly ua: string,
  ) {
    this.page = page;
  }

  open(): void {
    const ws = new WebSocket(`${this.url.replace(/^http/, "ws")}/api/v1/track/ws`);
    this.ws = ws;
    ws.on("open", () =>
      this.withToken((token) =>
        this.send({
          t: "hello",
          v: PROTOCOL_VERSION,
          token,
          tab: this.tab,
          page: this.page,
          visible: this.isVisible,
          inputAgoMs: 0,
          device: { ua: this.ua, width: 1440, height: 900 },
        }),
      ),
    );
    ws.on("message", (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.t === "welcome" && !this.heartbeat) {
        this.heartbeat = setInterval(() => this.send({ t: "hb" }), message.heartbeatMs);
      } else if (message.t === "reauth") {
        // The token expired on the open socket: a fresh one, as the tracker's getToken hook gives.
        this.withToken((token) => this.send({ t: "identify", token }));
      }
    });
    ws.on("error", () => undefined);
  }

  /** Signs a fresh token, then uses it; a failure leaves the socket to time out and reconnect. */
  private withToken(use: (token: string) => void): void {
    this.tokenOf().then(use, () => undefined);
  }

  send(message: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  navigate(page: DemoPage): void {
    this.page = page;
    this.send({ t: "page", page });
  }

  setVisible(isVisible: boolean): void {
    this.isVisible = isVisible;
    this.send({ t: "state", visible: isVisible });
  }

  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.ws?.close();
    this.ws = null;
  }
}

/** A person: comes and goes, browses, types, wanders off to another window, opens a second tab. */
class DemoVisitor {
  private tabs: DemoTab[] = [];
  private timer: NodeJS.Timeout | null = null;
  private isAway = false;

  constructor(
    private readonly url: string,
    private readonly token: TokenSource,
    private readonly random: () => number,
  ) {}

  start(): void {
    // Most people are around when the demo opens; the rest arrive over the first minute.
    if (this.random() < 0.7) this.arrive();
    else this.later(() => this.arrive(), 5_000 + this.random() * 60_000);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const tab of this.tabs) tab.close();
    this.tabs = [];
  }

  private arrive(): void {
    const ua = this.random() < 0.75 ? UA_CHROME : UA_FIREFOX;
    const tab = new DemoTab(this.url, this.token, this.pickPage(), ua);
    tab.open();
    this.tabs = [tab];
    this.isAway = false;
    this.act();
  }

  private act(): void {
    const roll = this.random();
    const tab = this.tabs[this.tabs.length - 1];
    if (!tab) return;
    if (this.isAway) {
      // Back at the keyboard.
      this.isAway = false;
      tab.setVisible(true);
      tab.send({ t: "input" });
    } else if (roll < 0.45) {
      tab.navigate(this.pickPage());
      tab.send({ t: "input" });
    } else if (roll < 0.65) {
      tab.send({ t: "input" });
      if (tab.page.app && this.random() < 0.6) {
        tab.send({
          t: "event",
          id: randomBytes(9).toString("base64url"),
          name: "message",
          ts: Date.now(),
          app: tab.page.app,
        });
      }
    } else if (roll < 0.75) {
      this.isAway = true;
      tab.setVisible(false);
    } else if (roll < 0.82 && this.tabs.length < 3) {
      const second = new DemoTab(this.url, this.token, this.pickPage(), UA_CHROME);
      second.open();
      this.tabs.push(second);
    } else if (roll < 0.88 && this.tabs.length > 1) {
      this.tabs.shift()?.close();
    } else if (roll < 0.93) {
      // Leaves for a while.
      for (const t of this.tabs) t.close();
      this.tabs = [];
      this.later(() => this.arrive(), 30_000 + this.random() * 180_000);
      return;
    }
    this.later(() => this.act(), 4_000 + this.random() * 20_000);
  }

  private pickPage(): DemoPage {
    return DEMO_PAGES[Math.floor(this.random() * DEMO_PAGES.length)]!;
  }

  private later(fn: () => void, ms: number): void {
    this.timer = setTimeout(fn, ms);
  }
}

/** Starts the simulated people against a running Rollcall. */
export async function startDemo(
  rollcall: Rollcall,
  options: DemoOptions,
): Promise<{ users: number; stop: () => void }> {
  const random = options.random ?? Math.random;
  const platform = await rollcall.platforms.get(DEFAULT_PLATFORM);
  const secret = platform?.secrets.at(-1);
  if (!secret) throw new Error("the default platform has no signing secret");
  const visitors: DemoVisitor[] = [];
  const people = demoPeople(options.users);
  const ttlSeconds = options.tokenSeconds ?? 3_600;
  for (const person of people) {
    const token = () =>
      signUserToken(
        { sub: person.id, name: person.name, email: person.email, role: person.role },
        { secret, ttlSeconds },
      );
    // Registered up front (as a platform's backend would): those who never show up are offline.
    if (rollcall.directory.upsert(DEFAULT_PLATFORM, person, Date.now())) {
      rollcall.writer.addUser(DEFAULT_PLATFORM, person);
    }
    const visitor = new DemoVisitor(rollcall.url.replace("localhost", "127.0.0.1"), token, random);
    visitors.push(visitor);
  }
  // A few weeks of history, so the analytics pages have something to show.
  const history = demoHistory(DEFAULT_PLATFORM, people, Date.now(), 28);
  for (let i = 0; i < history.length; i += 2_000) {
    await rollcall.writer.addEvents(history.slice(i, i + 2_000));
  }
  for (const [i, visitor] of visitors.entries()) {
    if (i % 9 !== 8) visitor.start();
  }
  return {
    users: visitors.length,
    stop: () => {
      for (const visitor of visitors) visitor.stop();
    },
  };
}
