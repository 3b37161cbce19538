// Every matrix-product kernel of the addon (and the depthwise loops' copy for that instruction set), not only the
// one this CPU picks: the native and depthwise suites run again in child processes with LAYER_LENS_NATIVE_ISA=avx2
// (what most laptops run) and =portable (any other CPU).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { needsNativeKernels } from '../../helpers/native';
import { repoRoot } from '../../helpers/paths';
import { loadNativeKernels } from '../../../src/core/node/loadNativeKernelsNode';

function cpuHasAvx2(): boolean {
  const probe = spawnSync(process.execPath, ['-e', `const b = require(${JSON.stringify(join(repoRoot, 'dist/layer_lens_kernels.node'))}); console.log(b.info().isa)`], {
    env: { ...process.env, LAYER_LENS_NATIVE_ISA: 'avx2' },
    encoding: 'utf8',
  });
  return probe.stdout.trim() === 'AVX2';
}

for (const isa of ['avx2', 'portable'] as const) {
  test(`the native kernels suite passes with the ${isa} matrix kernel`, { ...needsNativeKernels, timeout: 240_000 }, (t) => {
    if (isa === 'avx2' && !cpuHasAvx2()) {
      t.skip('this CPU has no AVX2');
      return;
    }
    // Without NODE_TEST_CONTEXT the child reports in plain TAP, not to this runner.
    const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
    const suites = ['nativeKernels.test.ts', 'depthwise.test.ts', 'pixelOps.test.ts'].map((f) => join(repoRoot, 'test/unit/native', f));
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...suites], {
      cwd: repoRoot,
      env: { ...env, LAYER_LENS_NATIVE_ISA: isa },
      encoding: 'utf8',
    });
    const output = `${run.stdout}\n${run.stderr}`;
    assert.equal(run.status, 0, output.split('\n').filter((l) => /not ok|Error|error/.test(l)).slice(0, 10).join('\n'));
    assert.match(output, /# fail 0/);
    assert.match(output, /# pass [1-9]/);
  });
}

test('a CPU without AVX2 keeps TF.js kernels (the portable kernel is slower than wasm SIMD) unless asked', needsNativeKernels, () => {
  const probe = spawnSync(process.execPath, ['--import', 'tsx', '-e', `
    const { loadNativeKernels } = require(${JSON.stringify(join(repoRoot, 'src/core/node/loadNativeKernelsNode.ts'))});
    const r = loadNativeKernels(${JSON.stringify(join(repoRoot, 'dist'))});
    console.log('error' in r ? r.error : 'loaded ' + r.info().isa);`], { env: { ...process.env, LAYER_LENS_NATIVE_ISA: 'portable' }, encoding: 'utf8', cwd: repoRoot });
  assert.match(probe.stdout, /loaded portable/, probe.stderr);
  assert.ok(!('error' in loadNativeKernels(join(repoRoot, 'dist'))), 'this CPU should get a vector kernel');
});
