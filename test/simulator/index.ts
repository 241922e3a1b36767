// Public entry point of the LiteLLM gateway simulator used by end-to-end tests.
export type {
  Fault,
  Scenario,
  ScenarioModel,
  ScriptedAnswer,
  ScriptedError,
  ScriptedFixture,
  ScriptedResponse,
  ScriptedToolCall,
  ScriptedUsage,
} from "./scenario.ts";
export { loadScenario, recordedDir, scenariosDir } from "./scenario.ts";
export type { RecordedRequest, Simulator, SimulatorOptions } from "./server.ts";
export { startSimulator } from "./server.ts";
