// An MCP tool's `inputSchema` made acceptable to Chat Completions providers, which accept a smaller JSON Schema
// than MCP servers write: `$ref`s into `$defs`/`definitions` are inlined (a cycle or a reference elsewhere
// becomes an unconstrained object), every schema gets a `type` (inferred from its keywords, else string),
// `type` lists become one type (Gemini refuses lists), `oneOf` becomes `anyOf`, `const` an `enum`, `required`
// names only declared properties, and keywords outside the common subset (`$schema`, `$id`, `format`,
// `patternProperties`, `if`/`then`, …) are dropped. The root is always an object with `properties`.

type Schema = Record<string, unknown>;

const KEPT = new Set([
  "type",
  "description",
  "title",
  "properties",
  "required",
  "items",
  "enum",
  "anyOf",
  "additionalProperties",
  "default",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "pattern",
  "nullable",
]);
const TYPES = new Set(["object", "array", "string", "number", "integer", "boolean", "null"]);
const MAX_DEPTH = 24;

function isSchema(v: unknown): v is Schema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

interface Walk {
  defs: Record<string, unknown>;
  /** `$ref`s being inlined, to stop at a cycle. */
  open: Set<string>;
  depth: number;
}

function resolveRef(ref: string, walk: Walk): unknown {
  const m = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  if (!m) return undefined;
  return walk.defs[decodeURIComponent(m[1]).replace(/~1/g, "/").replace(/~0/g, "~")];
}

function inferType(s: Schema): string {
  if (isSchema(s.properties) || s.additionalProperties !== undefined) return "object";
  if (s.items !== undefined) return "array";
  if (Array.isArray(s.enum) && s.enum.length > 0) {
    const first = s.enum[0];
    return typeof first === "number" ? "number" : typeof first === "boolean" ? "boolean" : "string";
  }
  if (s.minimum !== undefined || s.maximum !== undefined) return "number";
  return "string";
}

function clean(input: unknown, walk: Walk): Schema {
  if (input === true || !isSchema(input) || walk.depth > MAX_DEPTH) return { type: "object" };
  let source = input;
  if (typeof source.$ref === "string") {
    const ref = source.$ref;
    const target = walk.open.has(ref) ? undefined : resolveRef(ref, walk);
    if (!isSchema(target))
      return { type: "object", ...(source.description ? { description: source.description } : {}) };
    walk.open.add(ref);
    const { $ref: _ref, ...rest } = source;
    const inlined = clean({ ...target, ...rest }, { ...walk, depth: walk.depth + 1 });
    walk.open.delete(ref);
    return inlined;
  }
  if (Array.isArray(source.allOf) && source.allOf.length > 0) {
    // Merged into one schema (properties and required joined): enough for the objects servers compose.
    const { allOf, ...rest } = source;
    source = rest;
    for (const part of allOf) {
      const p = clean(part, { ...walk, depth: walk.depth + 1 });
      source = {
        ...p,
        ...source,
        properties: { ...(p.properties as Schema), ...(source.properties as Schema) },
        required: [...((p.required as string[]) ?? []), ...((source.required as string[]) ?? [])],
      };
    }
  }
  const deeper = { ...walk, depth: walk.depth + 1 };
  const out: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === "oneOf" && source.anyOf === undefined) out.anyOf = value;
    else if (key === "const") out.enum = [value];
    else if (KEPT.has(key)) out[key] = value;
  }
  if (Array.isArray(out.type)) {
    const types = (out.type as unknown[]).filter(
      (t) => typeof t === "string" && TYPES.has(t) && t !== "null",
    );
    if ((out.type as unknown[]).includes("null")) out.nullable = true;
    if (types.length > 0) out.type = types[0];
    else delete out.type;
  }
  if (typeof out.type !== "string" || !TYPES.has(out.type)) {
    if (Array.isArray(out.anyOf)) delete out.type;
    else out.type = inferType(out);
  }
  if (isSchema(out.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([k, v]) => [k, clean(v, deeper)]),
    );
  } else if (out.type === "object") out.properties = {};
  if (Array.isArray(out.required)) {
    const names = Object.keys((out.properties as Schema) ?? {});
    const required = [...new Set(out.required as unknown[])].filter(
      (r): r is string => typeof r === "string" && names.includes(r),
    );
    if (required.length > 0) out.required = required;
    else delete out.required;
  } else delete out.required;
  if (out.items !== undefined) out.items = clean(Array.isArray(out.items) ? out.items[0] : out.items, deeper);
  else if (out.type === "array") out.items = { type: "string" };
  if (Array.isArray(out.anyOf)) out.anyOf = (out.anyOf as unknown[]).map((s) => clean(s, deeper));
  if (isSchema(out.additionalProperties)) out.additionalProperties = clean(out.additionalProperties, deeper);
  else if (out.additionalProperties !== undefined && typeof out.additionalProperties !== "boolean")
    delete out.additionalProperties;
  if (typeof out.description !== "string") delete out.description;
  if (typeof out.title !== "string") delete out.title;
  return out;
}

export function toolParameters(inputSchema: unknown): Schema {
  const root = isSchema(inputSchema) ? inputSchema : {};
  const defs = {
    ...(isSchema(root.definitions) ? root.definitions : {}),
    ...(isSchema(root.$defs) ? root.$defs : {}),
  };
  const out = clean(root, { defs, open: new Set(), depth: 0 });
  if (out.type !== "object") return { type: "object", properties: {} };
  delete out.title;
  return out;
}
