// Tests of offering time zones under their current names.
import { describe, expect, it } from "vitest";
import { currentZoneName, listTimeZones } from "./zone-names";

describe("currentZoneName", () => {
  it("turns the old names browsers report into current IANA names", () => {
    expect(currentZoneName("Asia/Calcutta")).toBe("Asia/Kolkata");
    expect(currentZoneName("Asia/Katmandu")).toBe("Asia/Kathmandu");
    expect(currentZoneName("Etc/UTC")).toBe("UTC");
  });

  it("leaves current names alone", () => {
    expect(currentZoneName("Europe/Berlin")).toBe("Europe/Berlin");
  });
});

describe("listTimeZones", () => {
  it("offers current names once, UTC, and the selected zone, sorted", () => {
    expect(
      listTimeZones(["Europe/Berlin", "Asia/Calcutta", "Asia/Kolkata"], "America/Argentina/Salta"),
    ).toEqual(["America/Argentina/Salta", "Asia/Kolkata", "Europe/Berlin", "UTC"]);
  });
});
