// Every ONNX fixture matches PyTorch (relative L2 <= 1e-4) on cpu, the plain-JavaScript backend with TF.js's own
// kernels (slower at 224 px, but every fixture): the set and its wasm run are in fixtures.test.ts.
import { describe, it, before } from 'node:test';
import { useBackend } from '../../helpers/backend';
import { checkFixtureModel, fixtureIndex } from './fixtureData';

describe('ONNX fixtures on cpu', () => {
  before(async () => {
    await useBackend('cpu');
  });
  for (const name of Object.keys(fixtureIndex.models)) {
    it(`${name} matches PyTorch`, () => checkFixtureModel(name));
  }
});
