// A deterministic picture with what makes resampling differ on real photos: smooth gradients, hard edges at all
// angles, sensor-like noise and stripes finer than the output pixels.

/** RGBA pixels of a width × height "photo"; `seed` varies the noise and the shapes. */
export function photoLike(width: number, height: number, seed: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(width * height * 4);
  let state = seed * 2654435761 >>> 0;
  const noise = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  const cx = width * (0.3 + 0.1 * seed);
  const cy = height * 0.35;
  const r = Math.min(width, height) * 0.18;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sky = y < height * 0.55;
      let red = sky ? 90 + (120 * y) / height : 60 + 40 * Math.sin(x / 7) * Math.cos(y / 5);
      let green = sky ? 140 + (60 * y) / height : 110 + 30 * Math.sin((x + y) / 3);
      let blue = sky ? 230 - (80 * y) / height : 50;
      if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) [red, green, blue] = [250, 220, 90];
      // A roof line at an angle and a fence of one-pixel stripes.
      if (y > height * 0.55 && y < height * 0.55 + (x * 0.3) % 40) [red, green, blue] = [160, 40, 30];
      if (x > width * 0.7 && y > height * 0.7 && x % 2 === 0) [red, green, blue] = [240, 240, 240];
      const o = (y * width + x) * 4;
      rgba[o] = red + 12 * noise();
      rgba[o + 1] = green + 12 * noise();
      rgba[o + 2] = blue + 12 * noise();
      rgba[o + 3] = 255;
    }
  }
  return rgba;
}
