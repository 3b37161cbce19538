// The binary layout of Layer Lens's cache files: [u32 little-endian header length][header JSON][raw bytes].
// The header says what the raw bytes are; a `magic` string tells our files from foreign or stale ones.

/** The header bytes of a framed file: 4 bytes of length, then the JSON. */
export function frameHeader(header: { magic: string }): { bytes: Uint8Array; length: number } {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(4 + json.length);
  new DataView(bytes.buffer).setUint32(0, json.length, true);
  bytes.set(json, 4);
  return { bytes, length: bytes.length };
}

/** The header of a framed file and where its raw bytes start; undefined for a truncated or foreign file. */
export function readFrameHeader<H extends { magic: string }>(bytes: Uint8Array, magic: string): { header: H; bodyStart: number } | undefined {
  if (bytes.length < 4) return undefined;
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + len > bytes.length) return undefined;
  let header: H;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + len))) as H;
  } catch {
    return undefined;
  }
  if (header?.magic !== magic) return undefined;
  return { header, bodyStart: 4 + len };
}
