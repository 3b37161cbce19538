// A picture as RGBA bytes (width × height × 4, row-major), as the host hands an earlier actmax picture of a unit
// to a webview: the Top Images panel beside a channel's row, the Unit panel while its page is computed.

export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}
