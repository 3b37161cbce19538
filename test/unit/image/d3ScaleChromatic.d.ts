// d3-scale-chromatic (a dev dependency, used only to check the colormap tables) ships no types.
declare module 'd3-scale-chromatic' {
  export function interpolateViridis(t: number): string;
  export function interpolateMagma(t: number): string;
  export function interpolateInferno(t: number): string;
  export function interpolateRdBu(t: number): string;
}
