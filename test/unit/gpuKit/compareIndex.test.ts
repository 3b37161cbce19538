// scripts/gpuKit/py/compareIndex.py, which tells whether fixtures made with another torch (the GPU machine's) are
// the repo's: the cache's own index.json passes against itself, and a copy with one conv fewer in GoogLeNet, an
// output that moved by 1e-3 and a missing module fails with a line that names each difference.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnxFixturesDir, repoRoot } from '../../helpers/paths';

const PYTHON = '/usr/bin/python3';
const COMPARE = join(repoRoot, 'scripts/gpuKit/py/compareIndex.py');

interface Index { made_with: string; models: Record<string, { output_absmax: number; ops: Record<string, number>; intermediates: Record<string, unknown> }> }

let dir = '';
let reference = '';

interface CompareJson { same: boolean; differ: number; summary: string; lines: string[] }

/** compareIndex.py's exit, its printed lines and the --json file it wrote (the kit's table reads that). */
function compare(fixtures: string): { status: number | null; lines: string[]; json: CompareJson } {
  const json = join(dir, 'compare.json');
  const r = spawnSync(PYTHON, [COMPARE, '--fixtures', fixtures, '--reference', reference, '--json', json], { encoding: 'utf8' });
  assert.equal(r.stderr, '');
  const lines = r.stdout.trim().split('\n');
  const written = JSON.parse(readFileSync(json, 'utf8')) as CompareJson;
  rmSync(json);
  // The file says what the lines say: every line but the summary, and the summary.
  assert.deepEqual(written.lines.map((l) => `compareIndex: ${l}`), lines.slice(0, -1));
  assert.equal(`compareIndex: ${written.summary}`, lines.at(-1));
  return { status: r.status, lines, json: written };
}

describe('GPU kit compareIndex.py', () => {
  before(() => {
    reference = join(onnxFixturesDir(), 'index.json');
    dir = mkdtempSync(join(tmpdir(), 'll-gpukit-compare-'));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("passes the cache's index.json against itself, one line per fixture", () => {
    const r = compare(reference);
    assert.equal(r.status, 0, r.lines.join('\n'));
    assert.equal(r.lines.length, 19);
    assert.ok(r.lines.includes('compareIndex: googlenet: same graph (139 nodes), shapes and references'), r.lines.join('\n'));
    assert.match(r.lines.at(-1)!, /^compareIndex: 18 of 18 fixtures the same as the reference \(torch [^ ]+ there, torch [^ ]+ here\)$/);
    assert.deepEqual([r.json.same, r.json.differ], [true, 0]);
  });

  it('names a changed graph, a moved reference and a missing module, and exits 1', () => {
    const index = JSON.parse(readFileSync(reference, 'utf8')) as Index;
    index.models.googlenet!.ops.Conv! -= 1;
    index.models.resnet18!.output_absmax *= 1.001;
    delete index.models.mobilenet_v2!.intermediates['features.10'];
    delete index.models.inception_v3;
    const changed = join(dir, 'index.json');
    writeFileSync(changed, JSON.stringify(index));
    const r = compare(changed);
    assert.equal(r.status, 1);
    assert.ok(r.lines.includes('compareIndex: googlenet: ops Conv 56 != 57'), r.lines.join('\n'));
    assert.match(r.lines.find((l) => l.startsWith('compareIndex: resnet18: '))!, /^compareIndex: resnet18: output absmax [\d.]+ != [\d.]+$/);
    assert.match(r.lines.find((l) => l.startsWith('compareIndex: mobilenet_v2: '))!, /modules \['features.3'\] != \['features.10', 'features.3'\]/);
    assert.match(r.lines.at(-1)!, /^compareIndex: 14 of 17 fixtures the same as the reference .*; 1 not made here \(inception_v3\); 3 differ$/);
    assert.deepEqual([r.json.same, r.json.differ], [false, 3]);
  });
});
