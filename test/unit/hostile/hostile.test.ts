// The hostile-input corpus (test/hostile): every generated case through the built CLI, two at a time, each under
// a time limit. A case passes with a one-sentence refusal naming the file, or with correct output when valid.
// `npx tsx test/hostile/run.ts --class <c>` reruns one class and prints each case; see test/hostile/run.ts.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { ensureBuilt } from '../../helpers/build';
import { HOSTILE_CLASSES } from '../../hostile/corpusTypes';
import { generateCorpus } from '../../hostile/generate';
import { FAILURE_LABELS } from '../../hostile/judge';
import { reproduce, runCorpus, summaryLines } from '../../hostile/runCorpus';
import type { CaseResult } from '../../hostile/runCorpus';

// LAYER_LENS_HOSTILE_CLASSES=cli,topk runs only those classes (the others are reported as skipped).
const only = process.env.LAYER_LENS_HOSTILE_CLASSES?.split(',').map((s) => s.trim()).filter(Boolean);

describe('hostile inputs through the CLI', () => {
  let results: CaseResult[] = [];

  before(async () => {
    ensureBuilt();
    const corpus = await generateCorpus();
    results = await runCorpus(corpus.cases.filter((c) => !only || only.includes(c.cls)), corpus.root);
    console.log(summaryLines(results).join('\n'));
  });

  for (const cls of HOSTILE_CLASSES) {
    const skip = only && !only.includes(cls) ? `LAYER_LENS_HOSTILE_CLASSES=${only.join(',')}` : false;
    it(`${cls}: every case refused in one sentence naming the file, or accepted with correct output`, { skip }, () => {
      const mine = results.filter((r) => r.c.cls === cls);
      assert.ok(mine.length > 0, `no ${cls} cases ran`);
      const failed = mine.filter((r) => !r.verdict.ok);
      const lines = failed.map((r) => (r.verdict.ok ? '' : `${r.c.id}: ${FAILURE_LABELS[r.verdict.kind]}: ${r.verdict.detail}\n    ${reproduce(r.c)}`));
      assert.equal(failed.length, 0, `${failed.length} of ${mine.length} ${cls} cases failed:\n${lines.join('\n')}`);
    });
  }
});
