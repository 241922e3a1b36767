// Public API of the configuration module.
export { codexHome, type Env, envValue, homeDir, loadDotEnv, parseDotEnvLine, processEnv } from "./env.ts";
export {
  APPROVAL_POLICIES,
  CODEX_LITELLM_PROFILE,
  DEFAULT_PROJECT_DOC_MAX_BYTES,
  defaultApprovalPolicy,
  type LoadConfigOptions,
  layerConfig,
  loadConfig,
  readConfigToml,
  SANDBOX_MODES,
  TRUST_LEVELS,
  trustPath,
} from "./load.ts";
export {
  applyOverride,
  isTable,
  type ParsedOverride,
  parseOverride,
  parseOverrideValue,
  splitDottedKey,
  type TomlTable,
} from "./overrides.ts";
export {
  discoverProjectDocPaths,
  findGitRoot,
  loadProjectDocs,
  PROJECT_DOC_SEPARATOR,
  type ProjectDocOptions,
  type ProjectDocs,
} from "./project-doc.ts";
export { DEFAULT_PROVIDER_ID, normalizeBaseUrl, resolveProvider } from "./provider.ts";
export * from "./types.ts";
