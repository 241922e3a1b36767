// Telemetry's one integration point: configuration checking, in-memory usage, and the file writers (sinks.ts:
// sonic-boom, redaction, pruning) when `[telemetry] enabled` is not false, which is the default.
//
// The writers are imported statically: as a dynamic import they were one more bundle entry, which split the
// modules exec shares with them into extra chunks, and one more round of module loading on the way to the first
// request (~4 ms together), to spare ~1 ms only to those who turn telemetry off.
//
import { type Env, processEnv } from "../config/env.ts";
import { providerSecrets } from "../config/secrets.ts";
import type { ResolvedConfig } from "../config/types.ts";
import type { WireLog } from "../gateway/client.ts";
import type { AgentEvent } from "../protocol/events.ts";
import { resolveTelemetryConfig, type TelemetryConfig } from "./config.ts";
import { openSinks, type Sinks } from "./sinks.ts";
import { UsageTracker } from "./tracker.ts";
import { formatUsageSummary, UsageAggregator, type UsageSummary } from "./usage.ts";

export { resolveTelemetryConfig, type TelemetryConfig, type TelemetryLog } from "./config.ts";
export type { TokenCountEvent } from "./tracker.ts";
export {
  compactTokens,
  formatUsageSummary,
  type ModelUsage,
  UsageAggregator,
  type UsageRecord,
  type UsageSummary,
} from "./usage.ts";

export interface StartTelemetryOptions {
  config: Pick<ResolvedConfig, "codexHome" | "raw" | "provider" | "model" | "reasoningEffort">;
  /** The session id, when known before `session_configured` is emitted. */
  sessionId?: string;
  /** Read for redaction (values of KEY/SECRET/TOKEN variables); default the process environment. */
  env?: Env;
  /** One-line, non-fatal problems (an unwritable log). */
  warn: (message: string) => void;
  now?: () => Date;
}

export interface Telemetry {
  /** Pass every AgentEvent (the agent's `emit`). */
  onEvent(event: AgentEvent): void;
  /**
   * Pass as `GatewayOptions.onWire`. Undefined when no telemetry file is being written, so the gateway
   * keeps its no-wire-log fast path; usage then relies on the `model`/`cost` fields of `token_count`.
   */
  readonly onWire?: (entry: WireLog) => void;
  /** A free-form debug line, e.g. a stack trace or (later) a TUI render event. Redacted. */
  note(kind: string, fields?: Record<string, unknown>): void;
  /** In-memory LiteLLM usage of the current session (works with telemetry files disabled too). */
  usageSummary(): UsageSummary;
  /** `formatUsageSummary(usageSummary())`: the lines of the "LiteLLM usage" card. */
  usageLines(): string[];
  /** `telemetry: recording debug events to <path>` when a debug log is being written: print it on stderr. */
  readonly announcement?: string;
  readonly files: { dir?: string; debug?: string; session?: string };
  /** Flushes and closes the log files. Idempotent. */
  close(): Promise<void>;
}

export async function startTelemetry(options: StartTelemetryOptions): Promise<Telemetry> {
  const env = options.env ?? processEnv();
  const aggregator = new UsageAggregator();
  const { config } = options;
  // Resolved (and so validated) even when disabled, so a typo is reported either way; it is pure and cheap.
  const resolved: TelemetryConfig = resolveTelemetryConfig(config, env);
  let sinks: Sinks | undefined;
  if (resolved.enabled) {
    sinks = openSinks({
      config: resolved,
      warn: options.warn,
      now: options.now,
      sessionId: options.sessionId,
      redaction: {
        apiKey: config.provider.apiKey,
        env,
        secrets: providerSecrets(config.provider),
      },
    });
  }

  const tracker = new UsageTracker({
    sessionId: options.sessionId,
    model: config.model,
    reasoningEffort: config.reasoningEffort,
    now: options.now,
    onRecord: (record) => {
      aggregator.record(record);
      sinks?.onUsage(record);
    },
  });

  // A process that exits without `close()` (process.exit, a second Ctrl-C) still gets its buffered lines.
  const onExit = () => sinks?.flushSync();
  if (sinks) process.once("exit", onExit);
  let closing: Promise<void> | undefined;

  return {
    onEvent(event) {
      tracker.onEvent(event);
      sinks?.onEvent(event);
    },
    onWire: sinks
      ? (entry) => {
          tracker.onWire(entry);
          sinks?.onWire(entry);
        }
      : undefined,
    note: (kind, fields) => sinks?.note(kind, fields),
    usageSummary: () => aggregator.summary(),
    usageLines: () => formatUsageSummary(aggregator.summary()),
    announcement: sinks?.debugPath ? `telemetry: recording debug events to ${sinks.debugPath}` : undefined,
    files: { dir: sinks ? resolved.dir : undefined, debug: sinks?.debugPath, session: sinks?.sessionPath },
    close() {
      if (!closing) {
        process.off("exit", onExit);
        closing = sinks ? sinks.close() : Promise.resolve();
      }
      return closing;
    },
  };
}
