// Certainly-invalid tracker WebSocket frames: bytes, broken JSON, wrong types, deep, huge, bad tokens.
import { PROTOCOL_VERSION } from "@rollcall/protocol";
import { corrupt, deepJson, PAGE, type Random, wrongType } from "./hostile-values.js";

export interface WsCase {
  label: string;
  /** Send a valid hello (and wait for the welcome) before the bad frame. */
  isAfterHello: boolean;
  frame: Buffer;
  isBinary: boolean;
}

/** One certainly-invalid frame. */
function badFrame(random: Random, token: string): Pick<WsCase, "frame" | "isBinary"> {
  const text = (value: unknown) => ({
    frame: Buffer.from(typeof value === "string" ? value : JSON.stringify(value)),
    isBinary: false,
  });
  switch (random.int(0, 11)) {
    case 0:
      return { frame: random.bytes(random.int(1, 2_048)), isBinary: true };
    case 1:
      // Random bytes in a text frame: mostly invalid UTF-8.
      return {
        frame: Buffer.concat([random.bytes(random.int(1, 512)), Buffer.from([0xed, 0xa0, 0x80])]),
        isBinary: false,
      };
    case 2:
      return { frame: corrupt(random, JSON.stringify({ t: "page", page: PAGE })), isBinary: false };
    case 3:
      return text(wrongType(random, "object"));
    case 4:
      return text({ t: random.pick(["bogus", 7, null, ""]), page: PAGE });
    case 5:
      return text({ t: "event", id: wrongType(random, "string"), name: "message", ts: Date.now() });
    case 6:
      return text({
        t: "event",
        id: "e1",
        name: "message",
        ts: random.pick(["now", -1, 1.5, null]),
      });
    case 7:
      return text(
        `{"t":"event","id":"deep","name":"message","ts":1,"props":{"p":${deepJson(random, random.int(2_100, 3_000))}}}`,
      );
    case 8:
      return text({
        t: "page",
        page: { path: random.pick(["", 5, "p".repeat(2_049)]), title: "\ud800" },
      });
    case 9:
      return text({ t: "state", visible: "\udfff" });
    case 10:
      // Over the 16 KB frame limit, sometimes far over (ws closes with 1009 either way).
      return text({
        t: "page",
        page: { path: "/", title: "x".repeat(random.pick([20_000, 60_000, 200_000])) },
      });
    default:
      return text({
        t: "hello",
        v: PROTOCOL_VERSION,
        token: random.pick(["x.y.z", `${token}x`, 42]),
        tab: "fuzz-tab-0002",
        page: PAGE,
        visible: true,
      });
  }
}

/** `count` connections' worth of bad frames, some sent before the hello and some after. */
export function badWsCases(random: Random, count: number, userToken: string): WsCase[] {
  return Array.from({ length: count }, (_, n) => ({
    label: `ws-${n}`,
    isAfterHello: random.next() < 0.5,
    ...badFrame(random, userToken),
  }));
}
