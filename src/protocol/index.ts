export * from "./events.ts";
export * from "./exec-json.ts";
export * from "./items.ts";
export * from "./model.ts";
export * from "./usage.ts";
