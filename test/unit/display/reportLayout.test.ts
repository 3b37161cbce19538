// The report shows an ONNX model's shapes as PyTorch does (NCHW maps, OIHW kernels), and a TF.js model's as
// TF does: its model table, kernel captions and feature-map captions. The small MNIST CNN twins keep it cheap.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '../../helpers/backend';
import { onnxFixture, sampleModelDir } from '../../helpers/paths';
import { loadModel } from '../../../src/core/node/loadModelFile';
import { featureMapsSection } from '../../../src/cli/report/featureMapsSection';
import { kernelsSection } from '../../../src/cli/report/kernelsSection';
import { summarySection } from '../../../src/cli/report/summarySection';
import type { ReportContext } from '../../../src/cli/report/reportTypes';

before(async () => {
  await useBackend('cpu');
});

async function reportHtml(modelPath: string): Promise<string> {
  const model = await loadModel(modelPath);
  const ctx: ReportContext = {
    model, modelPath, outDir: mkdtempSync(join(tmpdir(), 'll-report-layout-')), images: [join(sampleModelDir, 'samples/digit-0-a.png')],
    backend: 'cpu', steps: 1, log: () => {},
    part: (_what, run) => run(),
    fail: (what, err) => {
      throw new Error(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    },
    skipImage: (path, reason) => {
      throw new Error(`${path} was skipped: ${reason}`);
    },
  };
  try {
    return (await Promise.all([summarySection(ctx), kernelsSection(ctx), featureMapsSection(ctx)])).join('\n');
  } finally {
    model.dispose();
  }
}

test('an ONNX model\'s report reads NCHW: input 1×1×28×28, conv1 1×16×26×26, kernel 16×1×3×3, maps 16×26×26', async () => {
  const html = await reportHtml(onnxFixture('mnist_cnn.onnx'));
  assert.match(html, /input 1×1×28×28 \(NCHW\)/);
  assert.match(html, /<th>kernel \(OIHW\)<\/th>/);
  assert.match(html, /<td>conv1<\/td><td>Conv<\/td><td>1×16×26×26<\/td><td>160<\/td><td>16×1×3×3<\/td>/);
  assert.match(html, /<td>fc<\/td><td>Gemm<\/td><td>1×10<\/td>/);
  assert.match(html, /conv2: 32 tiles, kernel 32×16×3×3/);
  assert.match(html, /conv1: 16×26×26/);
  assert.doesNotMatch(html, /26×26×16|\?×/, 'no NHWC shape in a PyTorch model\'s report');
});

test('the sample TF.js model\'s report reads NHWC: conv1 ?×26×26×16, kernel 3×3×1×16, maps 26×26×16', async () => {
  const html = await reportHtml(join(sampleModelDir, 'model.json'));
  assert.match(html, /input \?×28×28×1 \(NHWC\)/);
  assert.match(html, /<th>kernel \(HWIO\)<\/th>/);
  assert.match(html, /<td>conv1<\/td><td>Conv2D<\/td><td>\?×26×26×16<\/td><td>160<\/td><td>3×3×1×16<\/td>/);
  assert.match(html, /conv2: 32 tiles, kernel 3×3×16×32/);
  assert.match(html, /conv1: 26×26×16/);
});
