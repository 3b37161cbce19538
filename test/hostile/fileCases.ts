// Things that are not regular files where a file is expected (FIFOs, devices, folders, symlink loops), and
// models stored as symlinks into a cache (Hugging Face and DVC layouts), which are valid.
import { buildOnnx } from '../unit/onnx/onnxBuilder';
import { CaseFolder } from './corpusTypes';
import type { HostileCase } from './corpusTypes';
import { baseSpec } from './onnxCases';
import { layersHave } from './corpusTypes';
import { sampleJson, sampleWeights } from './tfjsCases';
import { digitPng } from './imageBytes';

export function fileCases(f: CaseFolder): HostileCase[] {
  const cases: HostileCase[] = [];
  const json = JSON.stringify(sampleJson());
  const weights = sampleWeights();
  const onnx = buildOnnx(baseSpec());
  const modelJson = f.path('files/model/model.json');
  f.file('files/model/model.json', json);
  f.file('files/model/weights.bin', weights);
  const refuseModel = (id: string, what: string, path: string, names: string[] = []): void => {
    cases.push({ id: `files/${id}`, cls: 'files', what, args: ['layers', '--model', path, '--json'], expect: 'refuse', names: [path, ...names] });
  };

  // Model files that are not regular files.
  refuseModel('model-json-fifo', 'model.json is a FIFO', f.fifo('files/model-json-fifo/model.json'));
  refuseModel('model-json-dev-zero', 'model.json links to /dev/zero', f.symlink('files/model-json-dev-zero/model.json', '/dev/zero'));
  refuseModel('model-json-dev-null', 'model.json links to /dev/null', f.symlink('files/model-json-dev-null/model.json', '/dev/null'));
  refuseModel('model-json-directory', 'model.json is a folder', f.dir('files/model-json-directory/model.json'));
  refuseModel('model-json-loop', 'model.json is a symlink to itself', f.symlink('files/model-json-loop/model.json', 'model.json'));
  refuseModel('model-json-dangling', 'model.json links to nothing', f.symlink('files/model-json-dangling/model.json', 'gone.json'));
  refuseModel('model-json-missing', 'model.json does not exist', f.path('files/model-json-missing/model.json'));
  refuseModel('onnx-fifo', 'model.onnx is a FIFO', f.fifo('files/onnx-fifo/model.onnx'));
  refuseModel('onnx-dev-zero', 'model.onnx links to /dev/zero', f.symlink('files/onnx-dev-zero/model.onnx', '/dev/zero'));
  refuseModel('onnx-dev-urandom', 'model.onnx links to /dev/urandom', f.symlink('files/onnx-dev-urandom/model.onnx', '/dev/urandom'));
  refuseModel('onnx-directory', 'model.onnx is a folder', f.dir('files/onnx-directory/model.onnx'));
  refuseModel('onnx-loop', 'a.onnx ↔ b.onnx symlink loop', (f.symlink('files/onnx-loop/b.onnx', 'a.onnx'), f.symlink('files/onnx-loop/a.onnx', 'b.onnx')));

  // Weight files that are not regular files (the manifest's path itself stays in the folder).
  const weightsAs = (id: string, what: string, make: (rel: string) => string): void => {
    const path = f.file(`files/${id}/model.json`, json);
    make(`files/${id}/weights.bin`);
    refuseModel(id, what, path, ['weights.bin']);
  };
  weightsAs('weights-fifo', 'weights.bin is a FIFO', (rel) => f.fifo(rel));
  weightsAs('weights-dev-zero', 'weights.bin links to /dev/zero', (rel) => f.symlink(rel, '/dev/zero'));
  weightsAs('weights-directory', 'weights.bin is a folder', (rel) => f.dir(rel));
  weightsAs('weights-loop', 'weights.bin is a symlink to itself', (rel) => f.symlink(rel, 'weights.bin'));

  // ONNX external data that is not a regular file (the location itself stays in the folder).
  const external = buildOnnx({
    ...baseSpec(),
    initializers: baseSpec().initializers!.map((t) => (t.name === 'conv1.weight' ? { name: t.name, dims: t.dims, external: { location: 'conv1.bin' } } : t)),
  });
  refuseModel('onnx-external-fifo', 'external data conv1.bin is a FIFO', (f.fifo('files/onnx-external-fifo/conv1.bin'), f.file('files/onnx-external-fifo/model.onnx', external)), ['conv1.bin']);
  refuseModel('onnx-external-dev-zero', 'external data conv1.bin links to /dev/zero',
    (f.symlink('files/onnx-external-dev-zero/conv1.bin', '/dev/zero'), f.file('files/onnx-external-dev-zero/model.onnx', external)), ['conv1.bin']);

  // Cache layouts: every file a symlink into a blob store outside the model's folder. Valid.
  f.file('files/hf/blobs/3f2a9c', json);
  f.file('files/hf/blobs/77be01', weights);
  f.file('files/hf/blobs/c0ffee', onnx);
  const hfJson = f.symlink('files/hf/snapshots/rev1/model.json', '../../blobs/3f2a9c');
  f.symlink('files/hf/snapshots/rev1/weights.bin', '../../blobs/77be01');
  const hfOnnx = f.symlink('files/hf/snapshots/rev1/small.onnx', '../../blobs/c0ffee');
  f.file('files/dvc/.dvc/cache/ab/cdef01', onnx);
  const dvcOnnx = f.symlink('files/dvc/models/small.onnx', '../.dvc/cache/ab/cdef01');
  const absJson = f.symlink('files/abs-link/model.json', modelJson);
  f.symlink('files/abs-link/weights.bin', f.path('files/model/weights.bin'));
  for (const [id, what, path, ids] of [
    ['hf-tfjs-symlinks', 'a Hugging Face snapshot: model.json and weights.bin link into blobs/', hfJson, ['conv1', 'fc']],
    ['hf-onnx-symlink', 'a Hugging Face snapshot: small.onnx links into blobs/', hfOnnx, ['conv1', 'fc']],
    ['dvc-onnx-symlink', 'a DVC checkout: small.onnx links into .dvc/cache', dvcOnnx, ['conv1', 'fc']],
    ['absolute-symlinks', 'model.json and weights.bin as absolute symlinks', absJson, ['conv1', 'fc']],
  ] as const) {
    cases.push({ id: `files/${id}`, cls: 'files', what, args: ['layers', '--model', path, '--json'], expect: 'accept', names: [path], check: layersHave([...ids]) });
  }

  // Images that are not regular files, given to activations.
  const refuseInput = (id: string, what: string, path: string): void => {
    cases.push({
      id: `files/${id}`, cls: 'files', what, expect: 'refuse', names: [path],
      args: ['activations', '--model', modelJson, '--input', path, '--layer', 'conv1', '--out', f.out(`files/${id}`)],
    });
  };
  refuseInput('image-fifo', 'x.png is a FIFO', f.fifo('files/image-fifo/x.png'));
  refuseInput('image-dev-zero', 'x.png links to /dev/zero', f.symlink('files/image-dev-zero/x.png', '/dev/zero'));
  refuseInput('image-directory', 'x.png is a folder', f.dir('files/image-directory/x.png'));
  refuseInput('image-loop', 'x.png is a symlink to itself', f.symlink('files/image-loop/x.png', 'x.png'));
  refuseInput('image-missing', 'x.png does not exist', f.path('files/image-missing/x.png'));
  refuseInput('npy-fifo', 'x.npy is a FIFO', f.fifo('files/npy-fifo/x.npy'));
  refuseInput('npy-dev-zero', 'x.npy links to /dev/zero', f.symlink('files/npy-dev-zero/x.npy', '/dev/zero'));
  const linked = f.symlink('files/image-symlink/x.png', f.file('files/image-symlink/blobs/digit', digitPng(3)));
  cases.push({
    id: 'files/image-symlink', cls: 'files', what: 'x.png is a symlink to a real PNG', expect: 'accept', names: [linked],
    args: ['activations', '--model', modelJson, '--input', linked, '--layer', 'conv1', '--out', f.out('files/image-symlink'), '--json'],
  });

  // An output folder that is a file.
  const outFile = f.file('files/out-is-file/out', 'a file, not a folder');
  cases.push({
    id: 'files/out-is-file', cls: 'files', what: '--out names a regular file', expect: 'refuse', names: [outFile, 'out'],
    args: ['activations', '--model', modelJson, '--input', linked, '--layer', 'conv1', '--out', outFile],
  });
  return cases;
}
