import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configSchema, type Config } from './config.schema.js';

export type { Config, SourceConfig, SourceKind } from './config.schema.js';

/** Environment variables that override a key of the config file, and the key they set. */
const ENV_KEYS = {
  NODE_ENV: ['env'],
  REDIS_URL: ['redis', 'url'],
  VIGIL_QUEUE_PREFIX: ['redis', 'prefix'],
  DATABASE_URL: ['database', 'url'],
  DATABASE_POOL_SIZE: ['database', 'poolSize'],
  HOST: ['http', 'host'],
  PORT: ['http', 'port'],
  PUBLIC_URL: ['http', 'publicUrl'],
  VIGIL_REQUEST_TIMEOUT: ['http', 'requestTimeout'],
  VIGIL_CONNECTION_TIMEOUT: ['http', 'connectionTimeout'],
  VIGIL_IMPORT_DIR: ['ingest', 'importDir'],
  LOG_LEVEL: ['log', 'level'],
  LOG_FORMAT: ['log', 'format'],
  VIGIL_LOCK_DURATION: ['workers', 'lockDuration'],
  VIGIL_SHUTDOWN_GRACE: ['workers', 'shutdownGrace'],
  VIGIL_SCHEDULER_RESYNC: ['workers', 'schedulerResync'],
  VIGIL_EVIDENCE_KEY_FILE: ['evidence', 'keyFile'],
  VIGIL_EVIDENCE_KEY_DIR: ['evidence', 'keyDir'],
  VIGIL_EVIDENCE_KEY_PASSPHRASE: ['evidence', 'keyPassphrase'],
  VIGIL_AUDIT_CHECKPOINT_FILE: ['audit', 'checkpointFile'],
  VIGIL_AUDIT_CHECKPOINT_EVERY: ['audit', 'checkpointEvery'],
  VIGIL_MEDIA_ENABLED: ['media', 'enabled'],
  VIGIL_MEDIA_DIR: ['media', 'storeDir'],
  VIGIL_NEAR_MISS_MAX_ROWS: ['nearMiss', 'maxRows'],
  VIGIL_NEAR_MISS_RETENTION_DAYS: ['nearMiss', 'retentionDays'],
  VIGIL_NEAR_MISS_UNCOVERED_PER_DAY: ['nearMiss', 'uncoveredSamplePerDay'],
  VIGIL_METRICS_PER_SOURCE: ['metrics', 'perSource'],
  VIGIL_METRICS_TOKEN: ['metrics', 'token'],
  VIGIL_BULL_BOARD_READ_ONLY: ['bullBoard', 'readOnly'],
} as const satisfies Record<string, readonly string[]>;

export const DEFAULT_CONFIG_FILE = 'vigil.config.yaml';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Replaces `${NAME}` in every string of the file so secrets can stay in the environment. */
function interpolate(value: unknown, env: Env, path: string, missing: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) missing.push(`${path}: environment variable ${name} is not set`);
      return found ?? '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, `${path}[${i}]`, missing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, env, path ? `${path}.${k}` : k, missing)]),
    );
  }
  return value;
}

function readConfigFile(env: Env, cwd: string): { file?: string; data: Record<string, unknown> } {
  const explicit = env.VIGIL_CONFIG;
  const file = resolve(cwd, explicit ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(file)) {
    if (explicit) throw new ConfigError([`VIGIL_CONFIG: file ${file} does not exist`]);
    return { data: {} };
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`]);
  }
  if (parsed === null || parsed === undefined) return { file, data: {} };
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigError([`${file}: expected a mapping at the top level`]);
  const missing: string[] = [];
  const data = interpolate(parsed, env, '', missing) as Record<string, unknown>;
  if (missing.length) throw new ConfigError(missing);
  return { file, data };
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node =
      next && typeof next === 'object' && !Array.isArray(next) ? (next as Record<string, unknown>) : (node[key] = {});
  }
  node[path[path.length - 1]!] = value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Builds the one config of this process: defaults, then the YAML file, then environment variables.
 * Every problem is reported at once, each naming the env var or file key at fault.
 */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Readonly<Config> {
  const { file, data } = readConfigFile(env, cwd);
  const envByPath = new Map<string, string>();
  for (const [name, path] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(data, path, value);
    envByPath.set(path.join('.'), name);
  }
  const result = configSchema.safeParse(data);
  if (!result.success) {
    const describe = (path: PropertyKey[], message: string) => {
      const dotted = path.map(String).join('.');
      const envName = envByPath.get(dotted);
      const where = envName ? `${envName} (environment)` : `${dotted || '(top level)'}${file ? ` in ${file}` : ''}`;
      return `${where}: ${message}`;
    };
    throw new ConfigError(
      result.error.issues.flatMap((issue) =>
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => describe([...issue.path, key], 'unknown key'))
          : [describe(issue.path, issue.message)],
      ),
    );
  }
  return deepFreeze(result.data);
}
