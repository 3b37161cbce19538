// The few WebGPU shapes Layer Lens touches, declared here so the Node room does not take @webgpu/types' globals
// into every program (the webview's and the core's checks would see a `navigator.gpu` that is not there).

export interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

export interface GpuErrorLike {
  message: string;
  constructor: { name: string };
}

export interface GpuDeviceLike {
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<GpuErrorLike | null>;
  addEventListener?(type: 'uncapturederror', listener: (ev: { error: GpuErrorLike }) => void): void;
  onuncapturederror?: ((ev: { error: GpuErrorLike }) => void) | null;
  lost: Promise<{ reason?: string; message: string }>;
  limits: Record<string, number>;
}

export interface GpuAdapterLike {
  info?: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
  features: { has(name: string): boolean };
  limits: Record<string, number>;
  requestDevice(descriptor?: { requiredFeatures?: string[]; requiredLimits?: Record<string, number> }): Promise<GpuDeviceLike | null>;
}

export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance'; forceFallbackAdapter?: boolean }): Promise<GpuAdapterLike | null>;
}
