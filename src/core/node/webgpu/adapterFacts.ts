// What an adapter says about itself, and whether it is a software rasteriser (never chosen by `auto`).
import type { GpuAdapterLike } from './gpuTypes';

export interface WebgpuAdapterFacts {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** SwiftShader, lavapipe, llvmpipe, WARP or an adapter that calls itself a fallback. */
  software: boolean;
}

const SOFTWARE = /swiftshader|lavapipe|llvmpipe|softpipe|microsoft basic render|\bwarp\b/i;

export function adapterFacts(adapter: GpuAdapterLike): WebgpuAdapterFacts {
  const info = adapter.info ?? {};
  const facts = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
  };
  const fallback = info.isFallbackAdapter === true || adapter.isFallbackAdapter === true;
  return { ...facts, software: fallback || Object.values(facts).some((v) => SOFTWARE.test(v)) };
}

/** "google swiftshader (software)", "nvidia hopper": short enough for a status bar. */
export function adapterLabel(f: WebgpuAdapterFacts): string {
  const name = [f.vendor, f.architecture || f.device || f.description].filter((s) => s !== '').join(' ') || 'unnamed adapter';
  return f.software ? `${name} (software)` : name;
}
