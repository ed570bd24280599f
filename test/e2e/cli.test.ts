import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp.js';
import { packageRoot } from '../../shared/paths.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { dropPrefix, testPrefix } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

// The CLI as users run it: the compiled bin (npm test builds it first).
const BIN = join(packageRoot(), 'bin', 'vigil.js');
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };

/** Training takes ~15 s on a quiet core; on two cores shared with the rest of the suite, several times that. */
const TRAIN_TIMEOUT_MS = 110_000;

function run(args: string[], env: Record<string, string> = {}, input?: string) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: tempDir(),
    env: { ...baseEnv, ...env },
    input,
    encoding: 'utf8',
    timeout: args[0] === 'train' ? TRAIN_TIMEOUT_MS : 20_000,
  });
}

describe('vigil command line', () => {
  it('stops with one clear message naming the bad key and a non-zero exit', () => {
    const result = run(['start'], { PORT: 'abc', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/^vigil: Invalid configuration:\n {2}- PORT \(environment\): /);
    expect(result.stdout).toBe('');
  });

  it('prints the help for --help after a command, and names an unknown option with a usage exit, never a stack trace', () => {
    const help = run(['eval', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^vigil — watches public channels/);
    const bad = run(['eval', '--bogus']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^vigil: Unknown option '--bogus'.*`vigil help`/);
    expect(bad.stderr).not.toMatch(/\bat \S+ \(/);
  });

  it('names an unknown key of the config file', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'vigil.config.yaml'), 'sources:\n  - kind: file\n    path: x.jsonl\n    pollEvery: 5s\n');
    const result = spawnSync(process.execPath, [BIN, 'migrate'], { cwd, env: baseEnv, encoding: 'utf8' });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/ {2}- sources\.0\.pollEvery in .*vigil\.config\.yaml: unknown key\n/);
  });

  it('classifies JSON Lines with nothing but JSON on stdout, answering bad lines in place', () => {
    const input = [
      '{"id":1,"text":"Ton for whoever daubs the church hall in SE27, photo proof to the admin."}',
      '{broken',
      '{"id":"b","text":"Lovely weather today"}',
    ].join('\n');
    const result = run(['classify'], {}, input);
    expect(result.status).toBe(1);
    const lines = result.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.id, l.flagged ?? l.error !== undefined])).toEqual([
      [1, true],
      [null, true],
      ['b', false],
    ]);
    expect(lines[0]).toMatchObject({
      severity: 'critical',
      classifier: expect.any(String),
      labels: expect.arrayContaining(['bounty_offer']),
    });
  });

  it('evaluates the classifier on each dev split beside the previous model and a keyword baseline, per label and language', () => {
    // A small voices folder of our own, so the voices section is checked on any clone (the real data sits outside it).
    const voices = tempDir();
    const posts = [
      ['£50 to whoever sprays the shop shutters on Church Road tonight, pics to me', ['bounty_offer']],
      ['Paying £80 for stickers on every bus stop by the mosque, DM for the cash', ['bounty_offer']],
      ['Everyone get down to the community centre Saturday and smash the windows', ['call_to_action']],
      ['Done the sign outside the temple last night, proof in the chat', ['claim']],
      ['The council repainted the bus shelter on Church Road after the storm', []],
      ['Police are appealing for witnesses after graffiti on the mosque in E10', []],
    ] as const;
    writeFileSync(
      join(voices, 'own.jsonl'),
      Array.from({ length: 30 }, (_, i) => {
        const [text, labels] = posts[i % posts.length]!;
        return JSON.stringify({ id: `own-${i}`, text, labels, lang: 'en', cat: labels.length ? 'offer' : 'negative' });
      }).join('\n'),
    );
    const result = run(['eval', '--voices', voices]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^classifier vigil-lr-2\.\S+; previous model vigil-nb-1\.\S+ as recorded/);
    expect(result.stdout).toMatch(/^== corpus dev \(\d+ examples\)/m);
    expect(result.stdout).toMatch(/^ {2}claim\s+\d\.\d{3} {2}\d\.\d{3} {2}\d+\/\d+\/\d+/m);
    expect(result.stdout).toMatch(/^ {2}non-English o\+c\s+recall \d\.\d{3}/m);
    expect(result.stdout).toMatch(/^ {2}fr\s+\d+\/\d+ {2}\d+\/\d+/m);
    expect(result.stdout).toMatch(/^== voices dev \(\d+ examples\)/m);
  });

  it('trains a model from the corpus and the voices data, and prints both dev splits before and after', () => {
    const out = join(tempDir(), 'model.json');
    const result = run(['train', '--no-db', '--out', out]);
    expect(result.stdout).toMatch(
      /^trained vigil-lr-2\.\S+ on \d+ corpus \+ \d+ voices examples \+ 0 analyst decisions/m,
    );
    expect(result.stdout).toMatch(/^== corpus dev \(\d+ examples\)/m);
    expect(result.status).toBe(0);
    const model = JSON.parse(readFileSync(out, 'utf8')) as { features: string[]; weights: Record<string, number[]> };
    expect(model.features.length).toBeGreaterThan(1000);
    expect(Object.keys(model.weights)).toEqual(['bounty_offer', 'call_to_action', 'claim', 'hate', 'flag']);
  }, 120_000);

  it('trains on the corpus alone, and says so, when the voices data is absent', () => {
    const result = run([
      'train',
      '--no-db',
      '--out',
      join(tempDir(), 'model.json'),
      '--data',
      join(tempDir(), 'no-voices-here'),
      '--force',
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^voices data not found at \S+no-voices-here: training on the corpus alone/m);
    expect(result.stdout).toMatch(/on \d+ corpus \+ 0 voices examples/);
  }, 120_000);

  it('skips the external check with a clear message when there is no outside data', () => {
    const result = run(['eval-external', join(tempDir(), 'nothing-here')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^eval-external: skipped, no outside data found/);
  });

  it('answers an unknown command with usage and exit 2', () => {
    const result = run(['frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown command "frobnicate"/);
  });
});

describe('vigil start on a fresh install', () => {
  let testDb: TestDb;
  const prefix = testPrefix();

  beforeAll(async () => {
    testDb = await createTestDb();
  });
  afterAll(async () => {
    await testDb?.drop();
    await dropPrefix(prefix);
  });

  it('ingests the bundled demo, serves the flagged posts, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'start'], {
      cwd: tempDir(),
      env: {
        ...baseEnv,
        DATABASE_URL: testDb.url,
        REDIS_URL: TEST_REDIS_URL,
        VIGIL_QUEUE_PREFIX: prefix,
        PORT: '0',
        LOG_FORMAT: 'json',
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: Record<string, unknown>[] = [];
    createInterface({ input: child.stdout }).on('line', (line) =>
      logs.push(JSON.parse(line) as Record<string, unknown>),
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const listening = await waitFor(
        async () => logs.find((l) => l.msg === 'review API listening'),
        'the API to listen',
      );
      const itemsUrl = listening.items as string;
      expect((await fetch(itemsUrl)).status).toBe(401);
      const env = { DATABASE_URL: testDb.url, REDIS_URL: TEST_REDIS_URL };
      expect(run(['user', 'add', '--email', 'analyst@example.org', '--role', 'analyst'], env)).toMatchObject({
        status: 0,
        stdout: expect.stringMatching(/^created user \d+ analyst@example.org \(analyst\)\npassword: \S{24}\n$/),
      });
      const tokenRun = run(['token', 'create', '--email', 'analyst@example.org'], env);
      expect(tokenRun.status).toBe(0);
      const token = tokenRun.stdout.trimEnd().split('\n').at(-1)!;
      const body = await waitFor(async () => {
        const res = await fetch(itemsUrl, { headers: { authorization: `Bearer ${token}` } });
        const json = (await res.json()) as { items: { post: { externalId: string } }[] };
        return json.items.length === 9 ? json : undefined;
      }, 'the nine flagged demo posts');
      expect(body.items.map((i) => i.post.externalId).sort((a, b) => Number(a) - Number(b))).toEqual([
        '6',
        '9',
        '13',
        '17',
        '19',
        '21',
        '24',
        '28',
        '32',
      ]);
      expect(logs.filter((l) => l.msg === 'flagged post queued for review')).toHaveLength(9);
      expect(logs.find((l) => l.msg === 'flagged post queued for review')?.open).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/ui\/items\/\d+$/,
      );
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(logs.at(-1)?.msg).toBe('stopped');
    expect(stderr).toBe('');
  });
});
