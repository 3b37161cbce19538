// A cross-backend bench row as the GPU kit's table joins it with PyTorch's (scripts/gpuKit/README-interface.md
// lists the keys): a number in a unit, so ratios and targets are computed, not parsed from printed text.
export interface KeyedRow {
  key: string;
  /** null: the row could not run (the note says why). */
  value: number | null;
  unit: 'ms' | 'ms/step' | 'img/s' | 's';
  note?: string;
}
