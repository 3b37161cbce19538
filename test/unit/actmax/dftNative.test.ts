// The DFT checks of dftChecks.ts on the native kernels (dist/layer_lens_kernels.node, built by `npm run build`),
// whose BatchMatMul runs the packed layout's transposed-operand products (their tiles are packed differently).
import { before } from 'node:test';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { useBackend } from '../../helpers/backend';
import { registerDftChecks } from './dftChecks';

before(async () => {
  await useBackend('wasm', { nativeKernels: true });
});

// Planar runs only plain products, the same kernels dft.test.ts's wasm ones stand in for.
registerDftChecks(['packed']);
