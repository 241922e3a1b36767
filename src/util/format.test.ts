import assert from "node:assert/strict";
import { test } from "node:test";
import { localTimeZone, thousands } from "./format.ts";

test("thousands separators", () => {
  assert.deepEqual([0, 7, 999, 1000, 1234567, -45678].map(thousands), [
    "0",
    "7",
    "999",
    "1,000",
    "1,234,567",
    "-45,678",
  ]);
});

test("time zone from TZ, else the localtime link or an offset", () => {
  assert.equal(localTimeZone({ TZ: "Europe/Berlin" }), "Europe/Berlin");
  assert.equal(localTimeZone({ TZ: ":America/New_York" }), "America/New_York");
  assert.match(localTimeZone({}), /^(?:[A-Za-z_]+(?:\/[A-Za-z_+-]+)*|UTC[+-]\d\d:\d\d)$/);
});
