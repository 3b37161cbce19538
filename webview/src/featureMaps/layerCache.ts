// The layers' values the webview already has: picking a layer again costs nothing. Bounded by bytes so a
// large model's layers do not pile up in the webview (least recently used goes first).
import type { FeatureMapsLayerResult } from '../../../src/shared/featureMapsProtocol';

export class LayerCache {
  private readonly entries = new Map<string, FeatureMapsLayerResult>();
  private bytes = 0;

  constructor(private readonly maxBytes = 192 * 1024 * 1024) {}

  get(layerId: string): FeatureMapsLayerResult | undefined {
    const hit = this.entries.get(layerId);
    if (hit) {
      this.entries.delete(layerId);
      this.entries.set(layerId, hit);
    }
    return hit;
  }

  put(result: FeatureMapsLayerResult): void {
    const old = this.entries.get(result.layerId);
    if (old) {
      this.entries.delete(result.layerId);
      this.bytes -= old.data.byteLength;
    }
    this.entries.set(result.layerId, result);
    this.bytes += result.data.byteLength;
    for (const [id, r] of this.entries) {
      if (this.bytes <= this.maxBytes || id === result.layerId) break;
      this.entries.delete(id);
      this.bytes -= r.data.byteLength;
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }
}
