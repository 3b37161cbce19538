// Every ONNX fixture's output and listed intermediate modules match PyTorch (relative L2 <= 1e-4) on wasm;
// and on cpu (the plain-JavaScript backend: slower at 224 px, but every fixture, so the reference backend is checked too).
import { describe, it, before } from 'node:test';
import { useBackend } from '../../helpers/backend';
import { checkFixtureModel, fixtureIndex } from './fixtureData';

describe('ONNX fixtures on wasm', () => {
  before(async () => {
    await useBackend('wasm');
  });
  for (const name of Object.keys(fixtureIndex.models)) {
    it(`${name} matches PyTorch`, () => checkFixtureModel(name));
  }
});

describe('ONNX fixtures on cpu', () => {
  before(async () => {
    await useBackend('cpu');
  });
  for (const name of Object.keys(fixtureIndex.models)) {
    it(`${name} matches PyTorch`, () => checkFixtureModel(name));
  }
});
