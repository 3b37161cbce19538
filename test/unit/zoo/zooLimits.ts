// The zoo test's thresholds, step counts and known gaps, each with the measurement behind it.

/** Parity of the default backend with the cpu backend, forward and gradient (relative L2). */
export const PARITY = 1e-4;
/**
 * Where the cpu backend has no gradient, central differences in float32 are the reference, along three directions.
 * Measured on the zoo at ε = 1e-2: 1e-4 to 2e-2 on the swish nets (EfficientNet), but up to 0.7 on ReLU nets, whose
 * kinks lie within ε of many activations: so a model whose cpu gradient is missing fails here unless it is smooth,
 * which says that its gradient could not be checked, never that it is right.
 */
export const FD_EPS = 1e-2;
export const FD_TOLERANCE = 2e-3;
export const ACTMAX_STEPS = 8;
/**
 * Plain gradient ascent whose first step lowers the objective gets this many steps to end above its start. Adam's
 * first update is lr·sign(g) on every pixel logit (±0.05, ±0.025 at the model's [-1, 1] input): on the U-Net
 * (no BatchNorm in the encoder, two max pools on a flat grey image) the objective follows its linear prediction
 * only for steps up to ~0.002 and is below its start from 0.01 on (up2_transpose unit 13: +0.55 predicted, −0.30
 * measured at 0.05; 9–13 % of the encoder's ReLUs change sides). It then climbs 0.01–0.02 a step and passes its start
 * at steps 19–21 (0.05) — at lr 0.005 it rises from the first step. Over the preset's 512 steps nothing is lost.
 */
export const ACTMAX_OVERSHOOT_STEPS = 32;
/**
 * Report steps per image: one Adam step runs every part of the actmax section (transforms, parameterization, the
 * model's gradient) as two did; nsfwjs's 224 px models spent most of their report in it (64 units at full size).
 */
export const REPORT_STEPS = 1;
/**
 * Actmax image side: the model's own (the zoo's are 64–96 px), at most 128 (nsfwjs's 224–299 px models). A much
 * smaller image upsampled to the model's size rose too slowly to show in 8 steps under Lucid's random transforms
 * (nsfwjs MobileNetV2 block_8 unit 35: 2.18 → 2.18 at 64 px, 1.98 → 2.53 at 224 px).
 */
export const ACTMAX_MAX_SIZE = 128;

export type Depth = 'early' | 'middle' | 'late';
export const DEPTHS: readonly Depth[] = ['early', 'middle', 'late'];
/**
 * nsfwjs's models are compared with cpu at the late probe only: its gradient passes back through every layer the
 * earlier probes reach, with the same kernels, while cpu's plain-JS kernels at 224–299 px cost 10–35 s a depth
 * (InceptionV3 early + middle: 33 s of the suite). Their early and middle gradients still run on the default backend
 * and must be finite and non-zero; the zoo's own nets, with the same ops, are compared at all three depths.
 */
export const NSFWJS_CPU_GRADIENTS: readonly Depth[] = ['late'];
/**
 * Gradient parity other than PARITY, per step, with the reason. nsfwjs InceptionV3 at mixed10 (channel 14) is 1.41e-4
 * from cpu where its earlier depths are 2–3e-7. It is float32 rounding, not a kernel: the gradient of a ReLU and
 * max-pool net is piecewise, and on one backend moving the input by 1e-7 (a float32 step at pixel values near 1)
 * changes it by 6.3e-4 at mixed10 and 4.4e-4 at activation_48 (relative L2); the two backends' forward values part
 * by ~1e-6 by mixed10 (their accumulation orders differ), enough to put a few ReLUs or pool windows on the other
 * side. A wrong kernel gives 1e-2 and more (the gradient tests of src/core/gradients). TF.js has no float64 backend
 * to take a third reference from.
 */
export const GRADIENT_PARITY: Record<string, number> = {
  'nsfwjs_inception_v3 gradient late': 1e-3,
};

/**
 * Known gaps, named here rather than hidden: a `todo` step still runs and prints its result but does not fail the
 * run; a `skip` step (one that alone would take a large part of the suite's time budget) does not run. Each says why.
 */
export const KNOWN_GAPS: Record<string, { todo?: string; skip?: string }> = {
};
