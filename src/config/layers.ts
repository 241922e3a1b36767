// The configuration layers, lowest first: config.toml's root keys, a legacy `[profiles.codex-litellm]` table,
// `$CODEX_HOME/codex-litellm.config.toml` (codex-litellm's own settings), the `-p NAME` profile
// (`$CODEX_HOME/NAME.config.toml` as Codex ≥ 0.134 reads it, else a legacy `[profiles.NAME]` table), then `-c`
// overrides. Command-line flags are applied by the caller. Files other than config.toml are read only when
// present, so a start with none of them costs one failed open.
import { dirname, join } from "node:path";
import { readConfigToml } from "./load-toml.ts";
import {
  applyOverride,
  cloneTable,
  cloneValue,
  isTable,
  type ParsedOverride,
  type TomlTable,
} from "./overrides.ts";
import { ConfigError } from "./types.ts";
import { TableReader } from "./values.ts";

export const CODEX_LITELLM_PROFILE = "codex-litellm";
/** codex-litellm's own file under `$CODEX_HOME`: what it writes, and keys stock Codex does not know. */
export const OWN_CONFIG_FILE = `${CODEX_LITELLM_PROFILE}.config.toml`;
export const DEFAULT_PROVIDER_ID = "litellm";

/**
 * Keys that only make sense for the provider they were chosen for: a config.toml root value (meant for stock
 * Codex) is dropped when a higher layer picks another provider and does not set the key itself.
 */
const PROVIDER_BOUND_KEYS = [
  "model",
  "model_reasoning_effort",
  "plan_mode_reasoning_effort",
  "model_reasoning_summary",
  "model_verbosity",
];

/** One file that contributed keys, for messages that name where a key came from. */
export interface ConfigSource {
  path: string;
  /** The parsed keys this layer contributed (a profile table, or a whole file). */
  table: TomlTable;
  /** The table's path inside the file (`["profiles", "x"]` for a legacy profile table). */
  within: string[];
}

export interface Layered {
  merged: TomlTable;
  /** The `-p` profile (or legacy root `profile = "…"`), when one is active. */
  profile?: string;
  sources: ConfigSource[];
  notices: string[];
}

/** Reads config.toml, codex-litellm's own file and the profile's file, and lays them over each other. */
export function readLayers(
  home: string,
  overrides: ParsedOverride[],
  cliProfile: string | undefined,
  options: { ignoreUserConfig?: boolean } = {},
): Layered {
  const configPath = join(home, "config.toml");
  const file = options.ignoreUserConfig ? {} : (readConfigToml(configPath) ?? {});
  const ownPath = join(home, OWN_CONFIG_FILE);
  const own = readConfigToml(ownPath);
  return layerConfig(file, overrides, cliProfile, {
    configPath,
    own: own && { path: ownPath, table: own },
    profileFile: (name) => {
      const path = join(home, `${name}.config.toml`);
      const table = name === CODEX_LITELLM_PROFILE ? undefined : readConfigToml(path);
      return table && { path, table };
    },
  });
}

export interface LayerInputs {
  configPath: string;
  own?: { path: string; table: TomlTable };
  /** `$CODEX_HOME/NAME.config.toml`, parsed, when it exists. */
  profileFile?: (name: string) => { path: string; table: TomlTable } | undefined;
}

/**
 * Builds the merged table. `-c` overrides are first written into (a copy of) the root table, so they can pick or
 * edit the profile; the layers are then laid over the root keys (tables merge deeply, other values replace);
 * finally the overrides are written again, so `-c model=x` beats every file.
 */
export function layerConfig(
  file: TomlTable,
  overrides: ParsedOverride[],
  cliProfile: string | undefined,
  inputs: LayerInputs,
): Layered {
  const root = cloneTable(file);
  for (const o of overrides) applyOverride(root, o.path, cloneValue(o.value));
  const rootReader = new TableReader(root);
  const profiles = rootReader.optionalTable("profiles") ?? {};
  const legacyTable = (name: string): TomlTable | undefined => {
    if (!Object.hasOwn(profiles, name)) return undefined;
    return rootReader.table("profiles").optionalTable(name) ?? {};
  };
  const sources: ConfigSource[] = [{ path: inputs.configPath, table: file, within: [] }];
  const notices: string[] = [];
  const upper: TomlTable[] = [];

  const legacyOwn = legacyTable(CODEX_LITELLM_PROFILE);
  if (legacyOwn) {
    upper.push(legacyOwn);
    sources.push({ path: inputs.configPath, table: legacyOwn, within: ["profiles", CODEX_LITELLM_PROFILE] });
    notices.push(
      `[profiles.${CODEX_LITELLM_PROFILE}] in ${inputs.configPath} is read for now, but it makes stock Codex ` +
        `refuse \`codex -p ${CODEX_LITELLM_PROFILE}\`: move its keys to the top of ` +
        `${join(dirname(inputs.configPath), OWN_CONFIG_FILE)} and delete the table`,
    );
  }
  if (inputs.own) {
    upper.push(inputs.own.table);
    sources.push({ path: inputs.own.path, table: inputs.own.table, within: [] });
  }
  const profile = cliProfile ?? rootReader.string("profile");
  if (profile !== undefined && profile !== CODEX_LITELLM_PROFILE) {
    const fromFile = inputs.profileFile?.(profile);
    const table = fromFile?.table ?? legacyTable(profile);
    if (!table) {
      throw new ConfigError(
        `config profile \`${profile}\` not found: no ${profile}.config.toml beside ${inputs.configPath}`,
      );
    }
    upper.push(table);
    sources.push(
      fromFile
        ? { path: fromFile.path, table, within: [] }
        : { path: inputs.configPath, table, within: ["profiles", profile] },
    );
  }
  if (upper.length === 0) return { merged: root, profile, sources, notices };

  const merged = cloneTable(root);
  for (const layer of upper) deepMerge(merged, layer);
  for (const o of overrides) applyOverride(merged, o.path, cloneValue(o.value));

  const rootProvider = new TableReader(root).string("model_provider") ?? DEFAULT_PROVIDER_ID;
  const activeProvider = new TableReader(merged).string("model_provider") ?? DEFAULT_PROVIDER_ID;
  if (rootProvider !== activeProvider) {
    for (const key of PROVIDER_BOUND_KEYS) {
      const setAbove = overrides.some((o) => o.path[0] === key) || upper.some((t) => Object.hasOwn(t, key));
      if (!setAbove) delete merged[key];
    }
  }
  return { merged, profile, sources, notices };
}

/** Lays `over` onto `base` (mutating and returning base): tables merge key by key, other values replace. */
function deepMerge(base: TomlTable, over: TomlTable): TomlTable {
  for (const [k, v] of Object.entries(over)) {
    const existing = Object.hasOwn(base, k) ? base[k] : undefined;
    if (isTable(existing) && isTable(v)) deepMerge(existing, v);
    else applyOverride(base, [k], cloneValue(v));
  }
  return base;
}
