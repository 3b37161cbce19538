// PyTorch's attribution maps for the ONNX fixtures (scripts/fixtures/attributionRefs.py), made once into
// .cache/attribution/<key>/, the key a hash of the fixture set and of that script; a later run reads them.
// A machine without torch fails here with what to install.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readNpy, type NpyArray } from '../../../src/core/io/npy';
import { onnxFixturesDir, repoRoot } from '../../helpers/paths';

const SCRIPT = join(repoRoot, 'scripts/fixtures/attributionRefs.py');
const PYTHON = process.env.LAYER_LENS_FIXTURES_PYTHON ?? '/usr/bin/python3';

export interface AttributionRefs {
  dir: string;
  topClass: Record<string, number>;
  ig: Record<string, { sum: number; delta: number }>;
  randomTopOnnx: string;
  /** PyTorch's own float32 map against its float64 one, per map key (where recorded). */
  float32RelL2: Record<string, number>;
  map(key: string): NpyArray;
}

function refsDir(): string {
  const h = createHash('sha256');
  h.update(basename(onnxFixturesDir()));
  h.update(readFileSync(SCRIPT));
  return join(repoRoot, '.cache/attribution', h.digest('hex').slice(0, 16));
}

let refs: AttributionRefs | undefined;

export function attributionRefs(): AttributionRefs {
  if (refs) return refs;
  const dir = refsDir();
  if (!existsSync(join(dir, 'index.json'))) {
    const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision, onnx'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      throw new Error(`The attribution references need ${PYTHON} with torch, torchvision and onnx: install Debian's python3-torch python3-torchvision python3-onnx (scripts/installTorch.sh) or set LAYER_LENS_FIXTURES_PYTHON.`);
    }
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const run = spawnSync(PYTHON, [SCRIPT, onnxFixturesDir(), tmp], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONWARNINGS: 'ignore' } });
    if (run.status !== 0) throw new Error(`${SCRIPT} failed: ${(run.stderr || String(run.error ?? '')).trim().split('\n').pop()}`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
    maps: Record<string, string>;
    top_class: Record<string, number>;
    ig: Record<string, { sum: number; delta: number }>;
    random_top: { onnx: string };
    float32_rel_l2: Record<string, number>;
  };
  refs = {
    dir,
    topClass: index.top_class,
    ig: index.ig,
    randomTopOnnx: join(dir, index.random_top.onnx),
    float32RelL2: index.float32_rel_l2,
    map: (key) => {
      const file = index.maps[key];
      if (!file) throw new Error(`no PyTorch reference map ${key} in ${dir}`);
      return readNpy(readFileSync(join(dir, file)), file);
    },
  };
  return refs;
}

export { relativeL2 } from '../../helpers/relativeL2';

/** Ranks (1-based, ties get their mean rank). */
function ranks(v: Float32Array): Float64Array {
  const order = Array.from(v.keys()).sort((i, j) => v[i] - v[j]);
  const r = new Float64Array(v.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && v[order[j + 1]] === v[order[i]]) j++;
    for (let k = i; k <= j; k++) r[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Spearman's rank correlation: Pearson's correlation of the ranks (NaN for a constant map). */
export function spearman(a: Float32Array, b: Float32Array): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = ra.length;
  const mean = (n + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i] - mean) * (rb[i] - mean);
    saa += (ra[i] - mean) ** 2;
    sbb += (rb[i] - mean) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
