// Image data from the host as Uint8ClampedArray whatever way it travelled (pure, no DOM): typed arrays cross
// postMessage intact in VS Code, but a structured-clone-less path may hand over a Uint8Array, an ArrayBuffer
// or a plain object with numeric keys; all become the RGBA bytes the canvas wants.
export function toRgbaBytes(value: unknown, expectedLength: number): Uint8ClampedArray | undefined {
  let out: Uint8ClampedArray | undefined;
  if (value instanceof Uint8ClampedArray) out = value;
  else if (ArrayBuffer.isView(value)) out = new Uint8ClampedArray(value.buffer, value.byteOffset, value.byteLength);
  else if (value instanceof ArrayBuffer) out = new Uint8ClampedArray(value);
  else if (Array.isArray(value)) out = Uint8ClampedArray.from(value as number[]);
  else if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, number>;
    out = new Uint8ClampedArray(expectedLength);
    for (let i = 0; i < expectedLength; i++) out[i] = obj[i] ?? 0;
  }
  return out && out.length >= expectedLength ? out.subarray(0, expectedLength) : undefined;
}

/** Several RGBA images side by side with a gap, as one RGBA buffer (the export of a multi-unit run). */
export function tileHorizontally(images: Uint8ClampedArray[], width: number, height: number, gap: number): { rgba: Uint8ClampedArray; width: number; height: number } {
  const total = images.length * width + Math.max(0, images.length - 1) * gap;
  const rgba = new Uint8ClampedArray(total * height * 4);
  images.forEach((img, k) => {
    const x0 = k * (width + gap);
    for (let y = 0; y < height; y++) rgba.set(img.subarray(y * width * 4, (y + 1) * width * 4), (y * total + x0) * 4);
  });
  return { rgba, width: total, height };
}
