// Certainly-invalid HTTP requests for every endpoint: bodies, paths and query strings.
import { PROTOCOL_VERSION } from "@rollcall/protocol";
import { corrupt, deepJson, PAGE, type Random, wrongType } from "./hostile-values.js";

export interface HttpCase {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface Credentials {
  platformSecret: string;
  viewerToken: string;
  userToken: string;
}

const JSON_TYPE = { "content-type": "application/json" };

function validEvent(random: Random, n: number): Record<string, unknown> {
  return { id: `fuzz-${n}`, user: `fuzz-user-${random.int(0, 9)}`, name: "message", app: "math" };
}

/** One certainly-invalid change to an event of POST /events (the rest stays valid). */
function breakEvent(
  random: Random,
  event: Record<string, unknown>,
): Record<string, unknown> | string {
  switch (random.int(0, 10)) {
    case 0:
      return { ...event, id: wrongType(random, "string") };
    case 1:
      return { ...event, id: "i".repeat(random.int(65, 5_000)) };
    case 2:
      return { ...event, user: random.pick(["", "u".repeat(257), 42]) };
    case 3:
      return { ...event, name: random.pick(["", "n".repeat(129), null, ["message"]]) };
    case 4:
      return { ...event, app: random.pick(["", "a".repeat(129), 7, { id: "math" }]) };
    case 5:
      return {
        ...event,
        ts: random.pick(["yesterday", "2999-01-01T00:00:00Z", 1_700_000_000, ""]),
      };
    case 6:
      return { ...event, props: wrongType(random, "object") };
    case 7:
      return { ...event, props: { blob: "x".repeat(random.int(4_100, 60_000)) } };
    case 8: {
      const { id: _id, ...rest } = event;
      return random.next() < 0.5 ? rest : { ...event, user: undefined };
    }
    case 9:
      // Deep props: serialising them would overflow the stack if they got through.
      return `{"id":"deep","user":"u","name":"message","props":{"p":${deepJson(random, random.int(3_000, 200_000))}}}`;
    default:
      return { ...event, name: `\ud800${random.text(4)}`, ts: wrongType(random, "string") };
  }
}

function eventsBody(random: Random, n: number): Buffer {
  const events: Array<Record<string, unknown> | string> = [];
  for (let i = 0; i < random.int(0, 4); i++) events.push(validEvent(random, n * 10 + i));
  const bad = breakEvent(random, validEvent(random, n * 10 + 9));
  events.splice(random.int(0, events.length), 0, bad);
  const text = `{"events":[${events.map((e) => (typeof e === "string" ? e : JSON.stringify(e))).join(",")}]}`;
  switch (random.int(0, 9)) {
    case 0:
      return corrupt(random, text);
    case 1:
      return Buffer.from(JSON.stringify({ events: wrongType(random, "array") }));
    case 2:
      return Buffer.from(
        JSON.stringify({ events: Array.from({ length: 1_001 }, (_, i) => validEvent(random, i)) }),
      );
    case 3:
      // Now and then a body over the 4 MB limit (413).
      return random.next() < 0.05
        ? Buffer.alloc(4 * 1_048_576 + 10, 0x20)
        : Buffer.from(JSON.stringify({ events: [] }));
    default:
      return Buffer.from(text);
  }
}

function profileBody(random: Random): Buffer {
  const profile: Record<string, unknown> = {
    name: "Ada",
    email: "ada@example.com",
    role: "Learner",
  };
  const field = random.pick(["name", "email", "role"] as const);
  const tooLong = { name: 257, email: 321, role: 65 }[field];
  profile[field] =
    random.next() < 0.5 ? wrongType(random, "string") : "x".repeat(random.pick([tooLong, 100_000]));
  if (field === "name" && random.next() < 0.3) delete profile.name;
  const text = JSON.stringify(profile);
  return random.next() < 0.3 ? corrupt(random, text) : Buffer.from(text);
}

function trackBody(random: Random, token: string): Buffer {
  const hello: Record<string, unknown> = {
    t: "hello",
    v: PROTOCOL_VERSION,
    token,
    tab: "fuzz-tab-0001",
    page: PAGE,
    visible: true,
  };
  let messages: unknown = [{ t: "hb" }];
  switch (random.int(0, 9)) {
    case 0:
      hello.v = random.pick([0, 2, "1"]);
      break;
    case 1:
      hello.tab = random.pick(["short", "has spaces in it", "t".repeat(65), 12345678]);
      break;
    case 2:
      hello.page = random.pick([
        { path: "", title: "" },
        { path: "/", title: "t".repeat(513) },
        "/home",
        null,
      ]);
      break;
    case 3:
      hello.visible = wrongType(random, "boolean");
      break;
    case 4:
      hello.token = random.pick(["x.y.z", "not-a-jwt", "e".repeat(5_000), 42]);
      break;
    case 5:
      messages = wrongType(random, "array");
      break;
    case 6:
      messages = Array.from({ length: 101 }, () => ({ t: "hb" }));
      break;
    case 7:
      messages = [{ t: random.pick(["bogus", 1, null, "event"]) }];
      break;
    case 8:
      return corrupt(random, JSON.stringify({ hello, messages }));
    default:
      return Buffer.from(JSON.stringify({ messages }));
  }
  return Buffer.from(JSON.stringify({ hello, messages }));
}

function loginBody(random: Random): Buffer {
  const body: Record<string, unknown> = { email: "op@example.com", password: "secret" };
  body[random.pick(["email", "password"])] = random.pick([
    wrongType(random, "string"),
    "",
    "p".repeat(2_000),
  ]);
  const text = JSON.stringify(body);
  return random.next() < 0.3 ? corrupt(random, text) : Buffer.from(text);
}

/** A query string with one certainly-invalid parameter among noise. */
function badQuery(random: Random, breakers: Array<[string, string]>): string {
  const params = new URLSearchParams();
  for (let i = 0; i < random.int(0, 3); i++) params.append(`x${random.text(3)}`, random.text(20));
  const [name, value] = random.pick(breakers);
  params.append(name, value);
  let query = params.toString();
  // Raw bytes URLSearchParams would have encoded: bad percent escapes, encoded lone surrogates.
  if (random.next() < 0.3)
    query += `&${random.pick(["%", "%zz", "%ED%A0%80", "%FF%FE", "a=%E0%A4%A"])}=1`;
  return query;
}

const PRESENCE_BREAKERS: Array<[string, string]> = [
  ["status", "busy"],
  ["sort", "shoeSize"],
  ["order", "sideways"],
  ["limit", "0"],
  ["limit", "-5"],
  ["limit", "abc"],
  ["limit", "1.5"],
  ["limit", "1e9"],
  ["cursor", "abc"],
  ["cursor", "9".repeat(40)],
  ["q", "q".repeat(201)],
  ["role", "r".repeat(65)],
];
const RANGE_BREAKERS: Array<[string, string]> = [
  ["range", "fortnight"],
  ["range", "custom&from=2024-13-45&to=2024-01-02"],
  ["range", "custom&from=01/02/2024&to=2024-01-02"],
  ["tz", "Not/AZone"],
  ["tz", "z".repeat(65)],
  ["from", "2024-01-01T00:00"],
];
const TABLE_BREAKERS: Array<[string, string]> = [
  ["sort", "shoeSize"],
  ["order", "up"],
  ["limit", "0"],
  ["limit", "1001"],
  ["offset", "-1"],
  ["minMessages", "many"],
  ["inactiveDays", "99999"],
  ["format", "xml"],
  ["q", "q".repeat(201)],
];

/** `count` HTTP requests, each certainly invalid, spread over the endpoints. */
export function badHttpCases(random: Random, count: number, auth: Credentials): HttpCase[] {
  const secret = { authorization: `Bearer ${auth.platformSecret}` };
  const viewer = { authorization: `Bearer ${auth.viewerToken}` };
  const cases: HttpCase[] = [];
  for (let n = 0; n < count; n++) {
    const kind = random.int(0, 9);
    const type =
      random.next() < 0.05
        ? { "content-type": random.pick(["text/html", "multipart/form-data", "x"]) }
        : JSON_TYPE;
    if (kind <= 2) {
      cases.push({
        label: "events",
        method: "POST",
        path: "/api/v1/events",
        headers: { ...secret, ...type },
        body: eventsBody(random, n),
      });
    } else if (kind === 3) {
      const isBadPath = random.next() < 0.3;
      const id = isBadPath
        ? random.pick(["u".repeat(300), "%E0%A4%A", "%ED%A0%80", "a%"])
        : `fuzz-put-${n}`;
      const body = isBadPath ? Buffer.from(JSON.stringify({ name: "Ada" })) : profileBody(random);
      cases.push({
        label: "users",
        method: "PUT",
        path: `/api/v1/users/${id}`,
        headers: { ...secret, ...type },
        body,
      });
    } else if (kind === 4) {
      cases.push({
        label: "login",
        method: "POST",
        path: "/api/v1/auth/login",
        headers: { "x-rollcall-csrf": "1", ...type },
        body: loginBody(random),
      });
    } else if (kind <= 6) {
      cases.push({
        label: "track",
        method: "POST",
        path: "/api/v1/track",
        headers: { ...type },
        body: trackBody(random, auth.userToken),
      });
    } else if (kind === 7) {
      cases.push({
        label: "presence",
        method: "GET",
        path: `/api/v1/presence?${badQuery(random, PRESENCE_BREAKERS)}`,
        headers: viewer,
      });
    } else {
      const endpoint = random.pick(["summary", "active-over-time", "heatmap", "table"]);
      const breakers =
        endpoint === "table" && random.next() < 0.5 ? TABLE_BREAKERS : RANGE_BREAKERS;
      const app = random.pick(["_all", "math", "m%C3%A4th"]);
      const path = `/api/v1/apps/${app}/analytics/users/${endpoint}?${badQuery(random, breakers)}`;
      cases.push({ label: "analytics", method: "GET", path, headers: viewer });
    }
  }
  return cases;
}
