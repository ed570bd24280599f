import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrain } from '../../cli/train.command.js';
import { classifyWith } from '../../shared/classifier/classify.js';
import { classify } from '../../shared/classifier/index.js';
import { loadModel, type ModelFile } from '../../shared/classifier/model.js';
import {
  decideNearMiss,
  insertNearMisses,
  listNearMissDecisions,
  listNearMisses,
} from '../../shared/repositories/near-miss.repository.js';
import { listDecisions } from '../../shared/repositories/review-item.repository.js';
import { createUser } from '../../shared/repositories/user.repository.js';
import { selectKept } from '../../workers/classify/near-miss.select.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { tempDir } from '../support/tmp.js';
import { nearMissVerdict } from '../support/verdicts.js';
import { makePost } from '../support/factories.js';

/** Analysts' calls on near misses must change what the classifier says about those texts after `vigil train`. */
describe("learning from analysts' near-miss decisions", () => {
  let testDb: TestDb;
  let analystId: number;

  const CALL = 'Time somebody paid the Leyton hostel a proper visit, all of you, this Saturday';
  const CLAIM = 'Went round the Ilford mosque last night like we said, windows are done, pics in the group';
  const NOT = 'Whoever sorts the flyers for the mosque open day gets a free lunch, pics of the stall to me';
  /** Worded the way real near misses read: urging without the textbook shape. The test takes the first the shipped model scores just below a flag. */
  const CANDIDATES = [
    'the lads should pay that hostel on the ring road a little visit one of these nights',
    'shame nobody has done anything about the place on Carlton Street yet. just saying',
    'someone ought to teach that centre a lesson, you know the one',
    'if I were you I would go and look at the mosque on Green Street tonight',
    'the hotel by the bypass could do with some redecorating if anyone is bored this weekend',
    'be a pity if the new sign on the prayer hall got messed up',
    'would anyone even notice if the sign at the centre on Mill Road went missing',
    'no one is watching the mosque car park at night these days',
    'the lads were talking about the hostel on the ring road again last night',
    'people round here are fed up with the hotel by the bypass',
    'someone said the cameras at the centre on Carlton Street are broken',
    'that hostel is getting a lot of attention lately',
  ];

  beforeAll(async () => {
    testDb = await createTestDb();
    analystId = (await createUser(testDb.db, 'analyst@example.org', 'analyst', null)).id;
  });
  afterAll(() => testDb?.drop());
  const idOf = async (text: string) =>
    (await listNearMisses(testDb.db, { limit: 100, offset: 0 })).find((r) => r.text === text)!.id;

  it("turns near-miss decisions into examples: an incitement carries its label, a 'not' none", async () => {
    const { nearMisses } = selectKept(
      [CALL, CLAIM, NOT].map((text, i) => ({ post: makePost(`nm-${i}`, text), verdict: nearMissVerdict() })),
    );
    await insertNearMisses(testDb.db, nearMisses);
    await decideNearMiss(testDb.db, await idOf(CALL), {
      decision: 'incitement',
      label: 'call_to_action',
      userId: analystId,
      reason: null,
    });
    await decideNearMiss(testDb.db, await idOf(CLAIM), {
      decision: 'incitement',
      label: 'claim',
      userId: analystId,
      reason: null,
    });
    await decideNearMiss(testDb.db, await idOf(NOT), {
      decision: 'not',
      label: null,
      userId: analystId,
      reason: 'A volunteer rota',
    });

    expect(await listNearMissDecisions(testDb.db)).toEqual([
      { id: `near-miss-${await idOf(CALL)}`, text: CALL, labels: ['call_to_action'] },
      { id: `near-miss-${await idOf(CLAIM)}`, text: CLAIM, labels: ['claim'] },
      { id: `near-miss-${await idOf(NOT)}`, text: NOT, labels: [] },
    ]);
  });

  it('an analyst marking a near miss as incitement makes the next trained model flag that post with the label', async () => {
    const text = CANDIDATES.find((t) => {
      const v = classify(t);
      return v.nearMiss && !v.flagged;
    });
    expect(text, 'one of the candidates is a near miss for the shipped model').toBeDefined();
    const post = makePost('nm-learn', text!);
    const { nearMisses } = selectKept([{ post, verdict: classify(text!) }]);
    await insertNearMisses(testDb.db, nearMisses);
    await decideNearMiss(testDb.db, await idOf(text!), {
      decision: 'incitement',
      label: 'call_to_action',
      userId: analystId,
      reason: null,
    });

    // As `vigil train` reads them (cli/vigil.ts): review-item decisions, then near-miss decisions.
    const decisions = [...(await listDecisions(testDb.db)), ...(await listNearMissDecisions(testDb.db))];
    expect(decisions.map((d) => d.text)).toContain(text);
    const out = join(tempDir(), 'model.json');
    const { report } = runTrain({ decisions, out, force: true });
    expect(report).toMatch(/\+ 4 analyst decisions/);
    const model = loadModel(JSON.parse(readFileSync(out, 'utf8')) as ModelFile);
    const after = classifyWith(model, text!);
    expect(after.flagged).toBe(true);
    expect(after.labels).toContain('call_to_action');
  }, 180_000);
});
