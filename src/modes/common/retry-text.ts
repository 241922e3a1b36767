// How every front end words a retry. An outage (the gateway answered earlier and cannot be reached now) is one
// countdown, not a line per attempt.
import type { AgentEvent } from "../../protocol/events.ts";

type RetryEvent = Extract<AgentEvent, { type: "retry" }>;

export function retryText(event: RetryEvent): string {
  if (!event.window) return `reconnecting ${event.attempt}/${event.max} (${event.reason})`;
  const seconds = Math.max(1, Math.ceil(event.window.remainingMs / 1000));
  return `gateway unreachable (${event.reason}); retrying for up to ${seconds} s more`;
}

/** Whether a line-based front end prints this retry: each counted one, and the first of an outage. */
export function retryPrinted(event: RetryEvent): boolean {
  return !event.window || event.attempt === 1;
}
