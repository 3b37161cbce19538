// The CLI's own contract: outputs larger than a pipe's buffer arrive whole through a slow reader, a reader that
// goes away early gets no stack trace, and missing arguments are one sentence.
import { join } from 'node:path';
import { buildOnnx } from '../unit/onnx/onnxBuilder';
import type { NodeSpec } from '../unit/onnx/onnxBuilder';
import { repoRoot } from '../helpers/paths';
import { CaseFolder, npyBytes, parseJson } from './corpusTypes';
import type { CaseRun, HostileCase } from './corpusTypes';
import { digitPng } from './imageBytes';

const sampleModel = join(repoRoot, 'models/mnist-cnn/model.json');

/** A chain of `n` ReLUs (each its own module) on a 1×1×2×2 input: `layers` prints one line per node. */
function reluChain(n: number): Uint8Array {
  const nodes: NodeSpec[] = Array.from({ length: n }, (_, i) => ({
    op: 'Relu', name: `/block${i}/Relu`, inputs: [i === 0 ? 'x' : `t${i - 1}`], outputs: [i === n - 1 ? 'y' : `t${i}`],
  }));
  return buildOnnx({ input: { name: 'x', dims: [1, 1, 2, 2] }, outputs: ['y'], nodes });
}

export function cliCases(f: CaseFolder): HostileCase[] {
  const cases: HostileCase[] = [];
  const n = 2500;
  const chain = f.file('cli/chain/chain.onnx', reluChain(n));
  const layerCount = (run: CaseRun): string | null => {
    const info = parseJson<{ layers?: unknown[] }>(run.stdout);
    if (typeof info === 'string') return info;
    return (info.layers?.length ?? 0) >= n ? null : `only ${info.layers?.length} layers in the JSON`;
  };
  cases.push({
    id: 'cli/layers-json-slow-reader', cls: 'cli', what: `layers --json of ${n} layers through a reader that waits`, expect: 'accept', names: [chain],
    args: ['layers', '--model', chain, '--json'], stdout: 'slowReader', check: layerCount,
  });
  cases.push({
    id: 'cli/layers-text-slow-reader', cls: 'cli', what: `layers (text) of ${n} layers through a reader that waits`, expect: 'accept', names: [chain],
    args: ['layers', '--model', chain], stdout: 'slowReader',
    check: (run) => {
      const lines = run.stdout.split('\n').filter(Boolean);
      const last = lines[lines.length - 1] ?? '';
      return lines.length >= n + 1 && last.includes(`block${n - 1}`) ? null : `${lines.length} lines, the last is ${JSON.stringify(last.slice(0, 60))}`;
    },
  });
  cases.push({
    id: 'cli/layers-json-reader-closes', cls: 'cli', what: 'layers --json whose reader closes after the first chunk (| head -c)', expect: 'quiet', names: [chain],
    args: ['layers', '--model', chain, '--json'], stdout: 'closeEarly',
  });
  const outDir = f.out('cli/activations-json-slow-reader');
  cases.push({
    id: 'cli/activations-json-slow-reader', cls: 'cli', what: `activations --json of ${n} layers through a reader that waits`, expect: 'accept', names: [chain],
    args: ['activations', '--model', chain, '--input', f.file('cli/chain/input.npy', npyBytes([1, 1, 2, 2], Float32Array.from([1, -1, 2, -2]))), '--out', outDir, '--json'], stdout: 'slowReader',
    check: (run) => {
      const r = parseJson<{ files?: unknown[] }>(run.stdout);
      if (typeof r === 'string') return r;
      return (r.files?.length ?? 0) >= n ? null : `only ${r.files?.length} files listed`;
    },
  });

  // Top-k whose JSON summary lists many skipped files.
  for (let i = 0; i < 4; i++) f.file(`cli/many/digit-${i}.png`, digitPng(i));
  for (let i = 0; i < 400; i++) f.file(`cli/many/broken-${String(i).padStart(3, '0')}-${'x'.repeat(100)}.png`, 'not an image');
  cases.push({
    id: 'cli/topk-json-many-skipped', cls: 'cli', what: 'topk --json listing 400 skipped files through a reader that waits', expect: 'accept',
    names: [f.path('cli/many')], stdout: 'slowReader',
    args: ['topk', '--model', sampleModel, '--layer', 'conv1', '--images', f.path('cli/many'), '--out', f.out('cli/topk-json-many-skipped'), '--k', '2', '--json'],
    check: (run) => {
      const s = parseJson<{ images?: number; skipped?: unknown[] }>(run.stdout);
      if (typeof s === 'string') return s;
      return s.images === 4 && s.skipped?.length === 400 ? null : `images ${s.images}, skipped ${s.skipped?.length}`;
    },
  });
  cases.push({
    id: 'cli/help-slow-reader', cls: 'cli', what: '--help through a reader that waits', expect: 'accept', names: [], args: ['--help'], stdout: 'slowReader',
    check: (run) => (run.stdout.includes('layer-lens topk') ? null : 'usage incomplete'),
  });
  cases.push({
    id: 'cli/missing-model', cls: 'cli', what: 'layers without --model', expect: 'refuse', names: ['--model'], args: ['layers'],
  });
  cases.push({
    id: 'cli/model-missing-file', cls: 'cli', what: 'layers --model of a file that does not exist', expect: 'refuse',
    names: [f.path('cli/none/model.onnx')], args: ['layers', '--model', f.path('cli/none/model.onnx')],
  });
  cases.push({
    id: 'cli/model-no-extension', cls: 'cli', what: 'layers --model of a file that is neither .onnx nor .json', expect: 'refuse',
    names: [f.path('cli/chain/input.npy'), 'input.npy'], args: ['layers', '--model', f.path('cli/chain/input.npy')],
  });
  const digit = f.file('cli/args/digit.png', digitPng(4));
  const argCase = (id: string, what: string, args: string[], names: string[]): void => {
    cases.push({ id: `cli/${id}`, cls: 'cli', what, expect: 'refuse', names, args });
  };
  argCase('unknown-layer', 'activations --layer of a layer the model lacks', ['activations', '--model', sampleModel, '--input', digit, '--layer', 'nope', '--out', f.out('cli/unknown-layer')], ['nope']);
  argCase('kernels-of-pool', 'kernels of a pooling layer', ['kernels', '--model', sampleModel, '--layer', 'pool1', '--out', f.path('out/cli/kernels-of-pool/k.png')], ['pool1']);
  argCase('topk-k-negative', 'topk --k -3', ['topk', '--model', sampleModel, '--layer', 'conv1', '--images', f.path('cli/many'), '--out', f.out('cli/topk-k-negative'), '--k', '-3'], ['--k', 'k']);
  argCase('topk-out-is-file', 'topk --out of a regular file', ['topk', '--model', sampleModel, '--layer', 'conv1', '--images', f.path('cli/many'), '--out', digit, '--k', '1'], [digit, 'digit.png']);
  argCase('actmax-unit-out-of-range', 'actmax --unit 999 of a 16-channel layer', ['actmax', '--model', sampleModel, '--layer', 'conv1', '--unit', '999', '--steps', '2', '--out', f.out('cli/actmax-unit-out-of-range')], ['999']);
  return cases;
}

