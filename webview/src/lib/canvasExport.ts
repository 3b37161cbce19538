// Canvas pixels leave the webview in two ways: a snapshot for tests (raw RGBA) and "Export PNG" (encoded).

export function canvasRgba(canvas: HTMLCanvasElement): Uint8Array {
  const ctx = canvas.getContext('2d');
  if (!ctx || canvas.width === 0 || canvas.height === 0) return new Uint8Array(0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  return new Uint8Array(data.buffer.slice(0));
}

export async function canvasPng(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('The canvas could not be encoded as PNG.');
  return new Uint8Array(await blob.arrayBuffer());
}
