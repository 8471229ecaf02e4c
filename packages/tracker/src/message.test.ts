import { describe, expect, it } from "vitest";
import { appId, eventMessage, helloMessage, pageOf } from "./message.js";

const where = { pathname: "/mentors/42", search: "?tab=chat", hash: "#m1" };

describe("pageOf", () => {
  it("makes the path from pathname, search and hash", () => {
    expect(pageOf(where, "Math mentor", "math")).toEqual({
      path: "/mentors/42?tab=chat#m1",
      title: "Math mentor",
      app: "math",
    });
  });

  it("cuts a path and a title the server would refuse", () => {
    const page = pageOf({ ...where, search: `?q=${"x".repeat(5000)}` }, "t".repeat(600), null);
    expect(page.path).toHaveLength(2048);
    expect(page.title).toHaveLength(512);
  });
});

describe("appId", () => {
  it("treats empty as none and cuts long ids", () => {
    expect(appId("")).toBeNull();
    expect(appId(undefined)).toBeNull();
    expect(appId(null)).toBeNull();
    expect(appId("a".repeat(200))).toHaveLength(128);
  });
});

describe("helloMessage", () => {
  it("states the tab, page, visibility, last input and device", () => {
    const page = pageOf(where, "Chat", null);
    expect(
      helloMessage({
        token: "jwt",
        tab: "tab_0123456789abc",
        page,
        visible: true,
        inputAgoMs: 1200,
        ua: "u".repeat(600),
        width: 1440.5,
        height: 900,
      }),
    ).toEqual({
      t: "hello",
      v: 1,
      token: "jwt",
      tab: "tab_0123456789abc",
      page,
      visible: true,
      inputAgoMs: 1200,
      device: { ua: "u".repeat(512), width: 1440, height: 900 },
    });
  });
});

describe("eventMessage", () => {
  it("stamps the id, time and app", () => {
    expect(eventMessage("e1", "message", { words: 12 }, "math", 1700)).toEqual({
      t: "event",
      id: "e1",
      name: "message",
      ts: 1700,
      app: "math",
      props: { words: 12 },
    });
    expect(eventMessage("e2", "signup", undefined, null, 1)?.props).toBeUndefined();
  });

  it("copies props, so later changes by the page are not resent", () => {
    const props = { step: 1 };
    const event = eventMessage("e1", "step", props, null, 1);
    props.step = 2;
    expect(event?.props).toEqual({ step: 1 });
  });

  it("refuses what the server would reject, since it would be resent forever", () => {
    expect(eventMessage("e", "", undefined, null, 1)).toBeUndefined();
    expect(eventMessage("e", "n".repeat(129), undefined, null, 1)).toBeUndefined();
    expect(eventMessage("e", "big", { s: "é".repeat(2100) }, null, 1)).toBeUndefined();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(eventMessage("e", "cyclic", cyclic, null, 1)).toBeUndefined();
    const notObject = [1, 2] as unknown as Record<string, unknown>;
    expect(eventMessage("e", "array", notObject, null, 1)).toBeUndefined();
  });
});
