// `update_plan`: the model keeps a visible checklist; the front ends render it.
import type { PlanStatus, PlanStep } from "../protocol/events.ts";
import type { Tool } from "./types.ts";

const STATUSES: readonly PlanStatus[] = ["pending", "in_progress", "completed"];

export function createUpdatePlanTool(): Tool {
  return {
    spec: {
      name: "update_plan",
      description:
        "Updates the task plan shown to the user. Provide an optional explanation and a list of plan items, each with a step and status. At most one step can be in_progress at a time.",
      parameters: {
        type: "object",
        properties: {
          explanation: { type: "string" },
          plan: {
            type: "array",
            description: "The list of steps",
            items: {
              type: "object",
              properties: {
                step: { type: "string" },
                status: {
                  type: "string",
                  enum: [...STATUSES],
                  description: "One of: pending, in_progress, completed",
                },
              },
              required: ["step", "status"],
              additionalProperties: false,
            },
          },
        },
        required: ["plan"],
        additionalProperties: false,
      },
    },
    async execute(args, ctx) {
      const raw = args.plan;
      if (!Array.isArray(raw)) {
        return { output: "update_plan: `plan` must be an array of {step, status} objects", isError: true };
      }
      const plan: PlanStep[] = [];
      for (const entry of raw) {
        const step = typeof entry === "string" ? entry : (entry as { step?: unknown })?.step;
        const status = typeof entry === "string" ? "pending" : (entry as { status?: unknown })?.status;
        if (typeof step !== "string" || !STATUSES.includes(status as PlanStatus)) {
          return {
            output: `update_plan: each plan item needs a string \`step\` and a \`status\` of ${STATUSES.join(", ")}`,
            isError: true,
          };
        }
        plan.push({ step, status: status as PlanStatus });
      }
      const explanation =
        typeof args.explanation === "string" && args.explanation ? args.explanation : undefined;
      ctx.emit(explanation ? { type: "plan_updated", explanation, plan } : { type: "plan_updated", plan });
      return { output: "Plan updated" };
    },
  };
}
