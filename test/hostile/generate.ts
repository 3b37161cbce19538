// Writes the hostile corpus into .cache/hostile/<hash of the generator's sources> (git-ignored) and returns its
// cases. The files are written once per generator version; the case list is rebuilt on every call (it is cheap).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths';
import { CaseFolder } from './corpusTypes';
import type { HostileCase } from './corpusTypes';
import { cliCases } from './cliCases';
import { fileCases } from './fileCases';
import { imageCases } from './imageCases';
import { kerasCases } from './kerasCases';
import { onnxBombCases } from './onnxBombs';
import { onnxCases } from './onnxCases';
import { tfjsCases } from './tfjsCases';
import { topkCases } from './topkCases';

const here = join(repoRoot, 'test/hostile');
export const corpusParent = join(repoRoot, '.cache/hostile');

function sourceHash(): string {
  const h = createHash('sha256');
  const inputs = [
    ...readdirSync(here).filter((n) => n.endsWith('.ts')).sort().map((n) => join(here, n)),
    join(repoRoot, 'test/unit/onnx/onnxBuilder.ts'),
    join(repoRoot, 'models/mnist-cnn/model.json'),
    join(repoRoot, 'models/mnist-cnn/weights.bin'),
  ];
  for (const p of inputs) h.update(p).update(readFileSync(p));
  return h.digest('hex').slice(0, 12);
}

export interface Corpus {
  root: string;
  cases: HostileCase[];
}

export async function generateCorpus(): Promise<Corpus> {
  const root = join(corpusParent, sourceHash());
  const done = join(root, 'cases.json');
  const write = !existsSync(done);
  if (write) {
    // Older generator versions' corpora (and a half-written one) go: FIFOs and 3 GiB sparse files are no use to keep.
    rmSync(corpusParent, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
  }
  const f = new CaseFolder(root, write);
  const cases = [
    ...onnxCases(f),
    ...onnxBombCases(f),
    ...tfjsCases(f),
    ...(await kerasCases(f)),
    ...fileCases(f),
    ...(await imageCases(f)),
    ...(await topkCases(f)),
    ...cliCases(f),
  ];
  const ids = new Set<string>();
  for (const c of cases) {
    if (ids.has(c.id)) throw new Error(`two hostile cases are named ${c.id}`);
    ids.add(c.id);
  }
  if (write) {
    const manifest = cases.map(({ id, cls, what, args, expect, names, stdout }) => ({ id, cls, what, args, expect, names, stdout }));
    writeFileSync(done, `${JSON.stringify(manifest, null, 1)}\n`);
  }
  return { root, cases };
}
