import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../support/tmp.js';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/config/config.js';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to the local services when nothing is set', () => {
    const sut = loadConfig({}, tempDir());
    expect(sut.redis.url).toBe('redis://127.0.0.1:6379');
    expect(sut.database.url).toBe('postgres://postgres@127.0.0.1:5432/vigil');
    expect(sut.http).toMatchObject({ host: '127.0.0.1', port: 3000 });
    expect(sut.redis.prefix).toBe('{vigil}');
    expect(sut.sources).toEqual([]);
    expect(Object.isFrozen(sut.http)).toBe(true);
  });

  it('lets environment variables override the file', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'vigil.config.yaml'), 'http: { port: 4000 }\nlog: { level: debug }\n');
    const sut = loadConfig({ PORT: '5000', DATABASE_URL: 'postgres://u:p@db:5432/x' }, cwd);
    expect(sut.http.port).toBe(5000);
    expect(sut.log.level).toBe('debug');
    expect(sut.database.url).toBe('postgres://u:p@db:5432/x');
  });

  it('reports every bad value at once, naming the env var or the file key', () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'vigil.config.yaml'),
      'sources:\n  - kind: file\n    path: /tmp/x.jsonl\n    pollInterval: soon\n    colour: red\n',
    );
    const problems = problemsOf(() => loadConfig({ PORT: 'abc', REDIS_URL: 'http://nope' }, cwd));
    expect(problems.some((p) => p.startsWith('PORT (environment)'))).toBe(true);
    expect(problems.some((p) => p.startsWith('REDIS_URL (environment)'))).toBe(true);
    expect(problems.some((p) => p.startsWith('sources.0.pollInterval') && p.includes('duration'))).toBe(true);
    expect(problems.some((p) => p.startsWith('sources.0.colour') && p.endsWith('unknown key'))).toBe(true);
  });

  it('keeps Bull Board read-only and /metrics free of source names unless told otherwise', () => {
    expect(loadConfig({}, tempDir())).toMatchObject({ bullBoard: { readOnly: true }, metrics: { perSource: false } });
    const sut = loadConfig(
      {
        VIGIL_BULL_BOARD_READ_ONLY: 'false',
        VIGIL_METRICS_PER_SOURCE: 'true',
        VIGIL_METRICS_TOKEN: 'a-scrape-token-of-32-characters!',
      },
      tempDir(),
    );
    expect(sut).toMatchObject({
      bullBoard: { readOnly: false },
      metrics: { perSource: true, token: 'a-scrape-token-of-32-characters!' },
    });
    const problems = problemsOf(() =>
      loadConfig({ VIGIL_BULL_BOARD_READ_ONLY: 'nope', VIGIL_METRICS_TOKEN: 'short' }, tempDir()),
    );
    expect(problems.some((p) => p.startsWith('VIGIL_BULL_BOARD_READ_ONLY (environment)'))).toBe(true);
    expect(problems.some((p) => p.startsWith('VIGIL_METRICS_TOKEN (environment)'))).toBe(true);
  });

  it('sets HTTP timeouts, login throttles and export slots by default, and no import directory', () => {
    const sut = loadConfig({}, tempDir());
    expect(sut.http).toMatchObject({ requestTimeout: 30_000, connectionTimeout: 120_000 });
    expect(sut.login).toEqual({
      perIp: { max: 10, window: 60_000 },
      perAccount: { max: 10, window: 900_000 },
      global: { max: 100, window: 60_000 },
    });
    expect(sut.exports).toEqual({ perUser: 2, global: 4 });
    expect(sut.ingest.importDir).toBeUndefined();
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'vigil.config.yaml'),
      'login: { perAccount: { max: 5, window: 1h } }\nexports: { global: 8 }\n',
    );
    expect(loadConfig({ VIGIL_REQUEST_TIMEOUT: '10s', VIGIL_IMPORT_DIR: '/srv/vigil/imports' }, cwd)).toMatchObject({
      http: { requestTimeout: 10_000 },
      login: { perAccount: { max: 5, window: 3_600_000 }, perIp: { max: 10 } },
      exports: { perUser: 2, global: 8 },
      ingest: { importDir: '/srv/vigil/imports' },
    });
    // A timeout of 0 would switch it off, which is what this guards against.
    const problems = problemsOf(() =>
      loadConfig({ VIGIL_REQUEST_TIMEOUT: '0s', VIGIL_CONNECTION_TIMEOUT: 'never' }, tempDir()),
    );
    expect(problems.some((p) => p.startsWith('VIGIL_REQUEST_TIMEOUT (environment)'))).toBe(true);
    expect(problems.some((p) => p.startsWith('VIGIL_CONNECTION_TIMEOUT (environment)'))).toBe(true);
  });

  it('locks jobs for 10 s, gives shutdown 25 s and re-asserts job schedulers every 10 s by default', () => {
    expect(loadConfig({}, tempDir()).workers).toEqual({
      lockDuration: 10_000,
      shutdownGrace: 25_000,
      schedulerResync: 10_000,
    });
    expect(
      loadConfig({ VIGIL_LOCK_DURATION: '2s', VIGIL_SHUTDOWN_GRACE: '5s', VIGIL_SCHEDULER_RESYNC: '500ms' }, tempDir())
        .workers,
    ).toEqual({ lockDuration: 2_000, shutdownGrace: 5_000, schedulerResync: 500 });
    // A lock shorter than a second would lapse between renewals on a busy event loop.
    expect(
      problemsOf(() => loadConfig({ VIGIL_LOCK_DURATION: '200ms' }, tempDir())).some((p) =>
        p.startsWith('VIGIL_LOCK_DURATION (environment)'),
      ),
    ).toBe(true);
  });

  it('refuses an unknown source kind with its path', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'vigil.config.yaml'), 'sources:\n  - kind: myspace\n    url: http://x\n');
    expect(problemsOf(() => loadConfig({}, cwd)).join('\n')).toMatch(/^sources\.0\.kind/m);
  });

  it('fills ${VARS} from the environment and refuses a missing one', () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'custom.yaml'),
      'alerts:\n  webhook: { url: "http://127.0.0.1:9000/hook", secret: "${HOOK_SECRET}" }\n  rules:\n    - { minSeverity: high, channels: [webhook] }\n',
    );
    const sut = loadConfig({ VIGIL_CONFIG: 'custom.yaml', HOOK_SECRET: 's3cret-s3cret-s3cret' }, cwd);
    expect(sut.alerts.webhook?.secret).toBe('s3cret-s3cret-s3cret');
    expect(problemsOf(() => loadConfig({ VIGIL_CONFIG: 'custom.yaml' }, cwd))[0]).toMatch(/HOOK_SECRET is not set/);
  });

  it('refuses a rule that names an alert channel nobody configured', () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, 'vigil.config.yaml'),
      'alerts:\n  rules:\n    - { minSeverity: high, channels: [email] }\n',
    );
    expect(problemsOf(() => loadConfig({}, cwd))[0]).toMatch(/alerts\.email is not configured/);
  });

  it('names a VIGIL_CONFIG file that does not exist, and a file that is not YAML', () => {
    const cwd = tempDir();
    expect(problemsOf(() => loadConfig({ VIGIL_CONFIG: 'missing.yaml' }, cwd))[0]).toMatch(
      /^VIGIL_CONFIG: file .*missing\.yaml does not exist/,
    );
    writeFileSync(join(cwd, 'vigil.config.yaml'), 'sources: [\n');
    expect(problemsOf(() => loadConfig({}, cwd))[0]).toMatch(/not valid YAML/);
  });

  it('requires a Redis Cluster hash tag as the queue prefix', () => {
    expect(problemsOf(() => loadConfig({ VIGIL_QUEUE_PREFIX: 'vigil' }, tempDir()))[0]).toMatch(
      /^VIGIL_QUEUE_PREFIX \(environment\): expected a hash-tag/,
    );
  });
});
