// Small formatters that avoid Intl: initialising ICU costs ~20 ms at start-up, which a CLI cannot afford.
import { readlinkSync } from "node:fs";

/** 1234567 → "1,234,567". */
export function thousands(n: number): string {
  const sign = n < 0 ? "-" : "";
  const digits = String(Math.trunc(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** The IANA zone name from `$TZ` or the /etc/localtime link, else the UTC offset ("UTC+02:00"). */
export function localTimeZone(env: Record<string, string | undefined>, now = new Date()): string {
  const tz = env.TZ?.replace(/^:/, "");
  if (tz) return tz;
  try {
    const link = readlinkSync("/etc/localtime");
    const at = link.indexOf("zoneinfo/");
    if (at >= 0) return link.slice(at + "zoneinfo/".length);
  } catch {
    // no link (Termux, containers): fall back to the offset
  }
  const offset = -now.getTimezoneOffset();
  const abs = Math.abs(offset);
  return `UTC${offset < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}
