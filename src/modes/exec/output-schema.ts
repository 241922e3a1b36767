// `exec --output-schema FILE`: the final answer must be JSON matching the schema. The schema is sent as
// `response_format` (json_schema; LiteLLM passes it on, or drops it for a model that rejects it) and the answer
// is validated on arrival either way, with Ajv, loaded only when the flag is used.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UserError } from "../../util/errors.ts";

export interface OutputSchema {
  responseFormat: Record<string, unknown>;
  /** The answer as JSON text (a surrounding ```json fence removed), or the reasons it does not match. */
  check(answer: string): { ok: true; json: string } | { ok: false; problems: string };
}

/** Models without structured output often fence their JSON; one fence around the whole answer is accepted. */
function unfence(text: string): string {
  const m = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  return (m ? m[1] : text).trim();
}

export async function loadOutputSchema(path: string, cwd: string): Promise<OutputSchema> {
  let schema: unknown;
  try {
    schema = JSON.parse(readFileSync(resolve(cwd, path), "utf8"));
  } catch (error) {
    throw new UserError(`--output-schema: cannot read ${path}: ${(error as Error).message}`, 2);
  }
  if (typeof schema !== "object" || schema === null || Array.isArray(schema))
    throw new UserError(`--output-schema: ${path} is not a JSON Schema object`, 2);
  // Draft 2020-12 (what OpenAI's structured outputs describe); draft-07 schemas read the same here.
  // A CommonJS module: its class is the default export once bundled.
  const mod = await import("ajv/dist/2020.js");
  const Ajv2020 = (mod.default ?? mod.Ajv2020) as unknown as typeof mod.Ajv2020;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  let validate: ReturnType<typeof ajv.compile>;
  try {
    validate = ajv.compile(schema as object);
  } catch (error) {
    throw new UserError(
      `--output-schema: ${path} is not a valid JSON Schema: ${(error as Error).message}`,
      2,
    );
  }
  return {
    responseFormat: {
      type: "json_schema",
      // Not `strict`: a schema written for validation (optional keys, open objects) must not be refused.
      json_schema: { name: "codex_output_schema", schema, strict: false },
    },
    check(answer) {
      const text = unfence(answer);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return { ok: false, problems: "the answer is not JSON" };
      }
      if (validate(value)) return { ok: true, json: text };
      const problems = (validate.errors ?? [])
        .slice(0, 5)
        .map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`)
        .join("; ");
      return { ok: false, problems };
    },
  };
}

export function correctionPrompt(problems: string): string {
  return (
    `Your final answer does not match the required JSON schema (${problems}). ` +
    "Answer again with only the JSON value, matching the schema exactly, and nothing else."
  );
}
