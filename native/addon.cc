// Node-API surface of the kernels: plain typed arrays in and out, no V8 types, so the same binary loads in
// Node and in VS Code's Electron. Every size is checked against the arrays before any pointer is touched:
// a wrong shape must become a JS error, never a write outside an array.
#define NAPI_VERSION 8
#include <node_api.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <thread>

#include "channelBroadcast.h"
#include "conv2d.h"
#include "conv2dBackpropInput.h"
#include "depthwiseConv.h"
#include "elementwise.h"
#include "gemm.h"
#include "matMul.h"
#include "maxPoolGrad.h"
#include "memoryOpsBindings.h"
#include "napiArgs.h"
#include "pixelOpsBindings.h"
#include "shearLines.h"
#include "threadPool.h"

namespace {

using layerlens::ConvGeometry;
using layerlens::PackedB;
using layerlens::PoolGeometry;
using layerlens::ThreadPool;
using layerlens::args;
using layerlens::fail;

ThreadPool& pool() { return layerlens::sharedPool(); }

struct Floats {
  float* data = nullptr;
  size_t length = 0;
};

// The elements and length of `value` when it is a typed array of `want`.
bool typedOf(napi_env env, napi_value value, napi_typedarray_type want, void*& data, size_t& length) {
  bool isTyped = false;
  napi_is_typedarray(env, value, &isTyped);
  if (!isTyped) return false;
  napi_typedarray_type type;
  napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr);
  return type == want;
}

bool floatsOf(napi_env env, napi_value value, const char* name, Floats& out) {
  void* data = nullptr;
  if (!typedOf(env, value, napi_float32_array, data, out.length)) return fail(env, std::string(name) + " must be a Float32Array");
  out.data = static_cast<float*>(data);
  return true;
}

bool intsOf(napi_env env, napi_value value, size_t count, int* out) {
  void* data = nullptr;
  size_t length = 0;
  if (!typedOf(env, value, napi_int32_array, data, length) || length != count) return fail(env, "geometry must be an Int32Array of " + std::to_string(count) + " values");
  std::copy_n(static_cast<const int*>(data), count, out);
  return true;
}

// An array's length against the size its shape implies.
bool sizeIs(napi_env env, size_t length, size_t expected, const char* name) {
  return length == expected || fail(env, std::string(name) + " size does not match the geometry");
}

// The packed matrix behind a handle from packFilter / packFilterTransposed.
const PackedB* packedOf(napi_env env, napi_value value) {
  void* handle = nullptr;
  if (napi_get_value_external(env, value, &handle) != napi_ok) return (fail(env, "the filter must be a handle from packFilter"), nullptr);
  return static_cast<const PackedB*>(handle);
}

size_t elements(int a, int b, int c, int d) { return static_cast<size_t>(a) * b * c * d; }

bool positive(napi_env env, std::initializer_list<int> values) {
  for (int v : values)
    if (v <= 0) return fail(env, "every size must be positive");
  return true;
}

void freePacked(napi_env, void* data, void*) { delete static_cast<PackedB*>(data); }

// (w: Float32Array, K, N) -> external handle of the kernel packed by `pack`
napi_value packWith(napi_env env, napi_callback_info info, PackedB (*pack)(const float*, int, int)) {
  napi_value argv[3];
  if (!args(env, info, argv)) return nullptr;
  Floats w;
  int32_t K = 0, N = 0;
  if (!floatsOf(env, argv[0], "filter", w)) return nullptr;
  napi_get_value_int32(env, argv[1], &K);
  napi_get_value_int32(env, argv[2], &N);
  if (!positive(env, {K, N})) return nullptr;
  if (!sizeIs(env, w.length, elements(K, N, 1, 1), "filter")) return nullptr;
  auto* packed = new PackedB(pack(w.data, K, N));
  napi_value handle;
  napi_create_external(env, packed, freePacked, nullptr, &handle);
  return handle;
}

// packFilter(w, K, N): w is row-major K × N
napi_value PackFilter(napi_env env, napi_callback_info info) { return packWith(env, info, layerlens::packB); }

// packFilterTransposed(w, K, N): B = wᵀ, with w read as row-major N × K
napi_value PackFilterTransposed(napi_env env, napi_callback_info info) { return packWith(env, info, layerlens::packBTransposed); }

bool convGeometry(napi_env env, napi_value value, ConvGeometry& g) {
  if (!intsOf(env, value, 15, &g.batch)) return false;
  return positive(env, {g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.kernelH, g.kernelW, g.strideH, g.strideW, g.dilationH, g.dilationW});
}

// conv2dBackpropInput(dy, packedTransposedFilter, dx, geometry: Int32Array(15)) — geometry of the forward conv
napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, argv)) return nullptr;
  Floats dy, dx;
  if (!floatsOf(env, argv[0], "dy", dy) || !floatsOf(env, argv[2], "dx", dx)) return nullptr;
  const PackedB* packed = packedOf(env, argv[1]);
  ConvGeometry g;
  if (!packed || !convGeometry(env, argv[3], g)) return nullptr;
  const PackedB& wt = *packed;
  if (!sizeIs(env, dx.length, elements(g.batch, g.inH, g.inW, g.inC), "dx") || !sizeIs(env, dy.length, elements(g.batch, g.outH, g.outW, g.outC), "dy")) return nullptr;
  if (wt.K != g.outC || wt.N != g.kernelH * g.kernelW * g.inC) return (fail(env, "filter shape does not match the geometry"), nullptr);
  layerlens::conv2dBackpropInput(dy.data, wt, dx.data, g, pool());
  return nullptr;
}

// conv2d(x, packedFilter, out, geometry: Int32Array(15), bias: Float32Array | null, relu: boolean)
napi_value Conv2d(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!args(env, info, argv)) return nullptr;
  Floats x, out, bias;
  if (!floatsOf(env, argv[0], "x", x) || !floatsOf(env, argv[2], "out", out)) return nullptr;
  const PackedB* packed = packedOf(env, argv[1]);
  ConvGeometry g;
  if (!packed || !convGeometry(env, argv[3], g)) return nullptr;
  const PackedB& w = *packed;
  if (!sizeIs(env, x.length, elements(g.batch, g.inH, g.inW, g.inC), "x") || !sizeIs(env, out.length, elements(g.batch, g.outH, g.outW, g.outC), "out")) return nullptr;
  if (w.K != g.kernelH * g.kernelW * g.inC || w.N != g.outC) return (fail(env, "filter shape does not match the geometry"), nullptr);
  layerlens::Epilogue ep;
  napi_valuetype biasType;
  napi_typeof(env, argv[4], &biasType);
  if (biasType != napi_null && biasType != napi_undefined) {
    if (!floatsOf(env, argv[4], "bias", bias)) return nullptr;
    if (!sizeIs(env, bias.length, g.outC, "bias")) return nullptr;
    ep.bias = bias.data;
  }
  napi_get_value_bool(env, argv[5], &ep.relu);
  layerlens::conv2d(x.data, w, out.data, g, ep, pool());
  return nullptr;
}

// The depthwise filter [kh, kw, C, M] against a geometry with inC = C, outC = C·M.
bool depthwiseSizes(napi_env env, const ConvGeometry& g, size_t filterLength) {
  if (g.outC % g.inC != 0) return fail(env, "output channels must be a multiple of the input channels");
  return sizeIs(env, filterLength, elements(g.kernelH, g.kernelW, g.outC, 1), "filter");
}

// depthwiseConv2d(x, filter, out, geometry: Int32Array(15), bias: Float32Array | null, activation: 0 linear, 1 relu, 2 relu6)
napi_value DepthwiseConv2d(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!args(env, info, argv)) return nullptr;
  Floats x, w, out, bias;
  if (!floatsOf(env, argv[0], "x", x) || !floatsOf(env, argv[1], "filter", w) || !floatsOf(env, argv[2], "out", out)) return nullptr;
  ConvGeometry g;
  if (!convGeometry(env, argv[3], g) || !depthwiseSizes(env, g, w.length)) return nullptr;
  if (!sizeIs(env, x.length, elements(g.batch, g.inH, g.inW, g.inC), "x") || !sizeIs(env, out.length, elements(g.batch, g.outH, g.outW, g.outC), "out")) return nullptr;
  napi_valuetype biasType;
  napi_typeof(env, argv[4], &biasType);
  const float* biasData = nullptr;
  if (biasType != napi_null && biasType != napi_undefined) {
    if (!floatsOf(env, argv[4], "bias", bias) || !sizeIs(env, bias.length, g.outC, "bias")) return nullptr;
    biasData = bias.data;
  }
  int32_t activation = 0;
  napi_get_value_int32(env, argv[5], &activation);
  if (activation < 0 || activation > 2) return (fail(env, "activation must be 0 (linear), 1 (relu) or 2 (relu6)"), nullptr);
  layerlens::depthwiseConv2d(x.data, w.data, biasData, out.data, g, static_cast<layerlens::Activation>(activation), pool());
  return nullptr;
}

// depthwiseConv2dBackpropInput(dy, filter, dx, geometry: Int32Array(15)) — geometry of the forward conv
napi_value DepthwiseConv2dBackpropInput(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, argv)) return nullptr;
  Floats dy, w, dx;
  if (!floatsOf(env, argv[0], "dy", dy) || !floatsOf(env, argv[1], "filter", w) || !floatsOf(env, argv[2], "dx", dx)) return nullptr;
  ConvGeometry g;
  if (!convGeometry(env, argv[3], g) || !depthwiseSizes(env, g, w.length)) return nullptr;
  if (!sizeIs(env, dx.length, elements(g.batch, g.inH, g.inW, g.inC), "dx") || !sizeIs(env, dy.length, elements(g.batch, g.outH, g.outW, g.outC), "dy")) return nullptr;
  layerlens::depthwiseConv2dBackpropInput(dy.data, w.data, dx.data, g, pool());
  return nullptr;
}

bool poolGeometry(napi_env env, napi_value value, PoolGeometry& g) {
  if (!intsOf(env, value, 14, &g.batch)) return false;
  return positive(env, {g.batch, g.inH, g.inW, g.channels, g.outH, g.outW, g.filterH, g.filterW, g.strideH, g.strideW, g.dilationH, g.dilationW});
}

// matMul(a, batch, M, K, transposeA, packedB, out): out[b] = op(a[b]) · B for b < batch
napi_value MatMul(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!args(env, info, argv)) return nullptr;
  Floats a, out;
  if (!floatsOf(env, argv[0], "a", a) || !floatsOf(env, argv[6], "out", out)) return nullptr;
  int32_t batch = 0, M = 0, K = 0;
  bool transposeA = false;
  napi_get_value_int32(env, argv[1], &batch);
  napi_get_value_int32(env, argv[2], &M);
  napi_get_value_int32(env, argv[3], &K);
  napi_get_value_bool(env, argv[4], &transposeA);
  const PackedB* packed = packedOf(env, argv[5]);
  if (!packed || !positive(env, {batch, M, K})) return nullptr;
  const PackedB& b = *packed;
  if (b.K != K) return (fail(env, "b's rows do not match K"), nullptr);
  if (!sizeIs(env, a.length, elements(batch, M, K, 1), "a") || !sizeIs(env, out.length, elements(batch, M, b.N, 1), "out")) return nullptr;
  layerlens::matMul(a.data, batch, M, K, transposeA, b, out.data, pool());
  return nullptr;
}

// maxPoolGrad(x, dy, dx, geometry: Int32Array(14))
napi_value MaxPoolGrad(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, argv)) return nullptr;
  Floats x, dy, dx;
  if (!floatsOf(env, argv[0], "x", x) || !floatsOf(env, argv[1], "dy", dy) || !floatsOf(env, argv[2], "dx", dx)) return nullptr;
  PoolGeometry g;
  if (!poolGeometry(env, argv[3], g)) return nullptr;
  const size_t in = elements(g.batch, g.inH, g.inW, g.channels);
  if (!sizeIs(env, x.length, in, "x") || !sizeIs(env, dx.length, in, "dx") || !sizeIs(env, dy.length, elements(g.batch, g.outH, g.outW, g.channels), "dy")) return nullptr;
  layerlens::maxPoolGrad(x.data, dy.data, dx.data, g, pool());
  return nullptr;
}

// channelBroadcast(a, v, out, op: 0 add, 1 multiply, 2 subtract, 3 subtract from): out[i] = a[i] op v[i % v.length]
napi_value ChannelBroadcast(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, argv)) return nullptr;
  Floats a, v, out;
  if (!floatsOf(env, argv[0], "a", a) || !floatsOf(env, argv[1], "v", v) || !floatsOf(env, argv[2], "out", out)) return nullptr;
  int32_t op = 0;
  napi_get_value_int32(env, argv[3], &op);
  if (op < 0 || op > 3) return (fail(env, "op must be 0 (add), 1 (multiply), 2 (subtract) or 3 (subtract from)"), nullptr);
  if (v.length == 0 || v.length > (size_t{1} << 30) || a.length % v.length != 0) return (fail(env, "a size is not a multiple of v size"), nullptr);
  if (!sizeIs(env, out.length, a.length, "out")) return nullptr;
  layerlens::channelBroadcast(a.data, v.data, out.data, a.length, static_cast<int>(v.length), static_cast<layerlens::ChannelOp>(op), pool());
  return nullptr;
}

// clamp(x, out, lo, hi): same-length Float32Arrays
napi_value Clamp(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, argv)) return nullptr;
  Floats x, out;
  if (!floatsOf(env, argv[0], "x", x) || !floatsOf(env, argv[1], "out", out)) return nullptr;
  if (!sizeIs(env, out.length, x.length, "out")) return nullptr;
  double lo = 0, hi = 0;
  napi_get_value_double(env, argv[2], &lo);
  napi_get_value_double(env, argv[3], &hi);
  layerlens::clamp(x.data, out.data, x.length, static_cast<float>(lo), static_cast<float>(hi), pool());
  return nullptr;
}

// relu(x, out): same-length Float32Arrays
napi_value Relu(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!args(env, info, argv)) return nullptr;
  Floats x, out;
  if (!floatsOf(env, argv[0], "x", x) || !floatsOf(env, argv[1], "out", out)) return nullptr;
  if (!sizeIs(env, out.length, x.length, "out")) return nullptr;
  layerlens::relu(x.data, out.data, x.length, pool());
  return nullptr;
}

// maxPool(x, y, geometry: Int32Array(14)) — geometry as for maxPoolGrad
napi_value MaxPool(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!args(env, info, argv)) return nullptr;
  Floats x, y;
  if (!floatsOf(env, argv[0], "x", x) || !floatsOf(env, argv[1], "y", y)) return nullptr;
  PoolGeometry g;
  if (!poolGeometry(env, argv[2], g)) return nullptr;
  if (!sizeIs(env, x.length, elements(g.batch, g.inH, g.inW, g.channels), "x") || !sizeIs(env, y.length, elements(g.batch, g.outH, g.outW, g.channels), "y")) return nullptr;
  layerlens::maxPool(x.data, y.data, g, pool());
  return nullptr;
}

// channelStats(x: Float32Array, channels) -> Float64Array(4 × channels): min, max, sum, zero count
napi_value ChannelStats(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!args(env, info, argv)) return nullptr;
  Floats x;
  if (!floatsOf(env, argv[0], "x", x)) return nullptr;
  int32_t channels = 0;
  napi_get_value_int32(env, argv[1], &channels);
  if (channels <= 0 || x.length % static_cast<size_t>(channels) != 0) return (fail(env, "x size is not a multiple of the channel count"), nullptr);
  napi_value buffer, result;
  void* data = nullptr;
  napi_create_arraybuffer(env, sizeof(double) * 4 * channels, &data, &buffer);
  layerlens::channelStats(x.data, x.length / channels, channels, static_cast<double*>(data), pool());
  napi_create_typedarray(env, napi_float64_array, 4 * static_cast<size_t>(channels), buffer, 0, &result);
  return result;
}

// shearLines(x, [batch, rows, length, channels]: Int32Array, offsets: Float64Array(rows), lout, out)
napi_value ShearLines(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!args(env, info, argv)) return nullptr;
  Floats x, out;
  if (!floatsOf(env, argv[0], "x", x) || !floatsOf(env, argv[4], "out", out)) return nullptr;
  int dims[4];
  if (!intsOf(env, argv[1], 4, dims) || !positive(env, {dims[0], dims[1], dims[2], dims[3]})) return nullptr;
  const auto [batch, rows, length, channels] = dims;
  size_t count = 0;
  void* data = nullptr;
  if (!typedOf(env, argv[2], napi_float64_array, data, count) || count != static_cast<size_t>(rows)) return (fail(env, "offsets must be a Float64Array with one value a line"), nullptr);
  int32_t lout = 0;
  napi_get_value_int32(env, argv[3], &lout);
  if (!positive(env, {lout})) return nullptr;
  if (!sizeIs(env, x.length, elements(batch, rows, length, channels), "x") || !sizeIs(env, out.length, elements(batch, rows, lout, channels), "out")) return nullptr;
  const double* offsets = static_cast<const double*>(data);
  for (int r = 0; r < rows; r++) {
    // Both neighbours of every read must lie on the line: [k, k + lout] inside [0, length).
    const double k = std::floor(offsets[r]);
    if (!(k >= 0 && k + lout + 1 <= length)) return (fail(env, "an offset reads outside its line"), nullptr);
  }
  layerlens::shearLines(x.data, batch, rows, length, channels, offsets, lout, out.data, pool());
  return nullptr;
}

// slice(x, shape, begin, size: Int32Array(4) each, out): a window of a 4-D tensor
napi_value Slice(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!args(env, info, argv)) return nullptr;
  Floats x, out;
  if (!floatsOf(env, argv[0], "x", x) || !floatsOf(env, argv[4], "out", out)) return nullptr;
  int shape[4], begin[4], size[4];
  if (!intsOf(env, argv[1], 4, shape) || !intsOf(env, argv[2], 4, begin) || !intsOf(env, argv[3], 4, size)) return nullptr;
  size_t total = 1, want = 1;
  for (int i = 0; i < 4; i++) {
    if (shape[i] < 0 || begin[i] < 0 || size[i] < 0 || begin[i] + size[i] > shape[i]) return (fail(env, "the window lies outside the tensor"), nullptr);
    total *= shape[i];
    want *= size[i];
  }
  if (!sizeIs(env, x.length, total, "x") || !sizeIs(env, out.length, want, "out")) return nullptr;
  if (want > 0) layerlens::slice4d(x.data, shape, begin, size, out.data, pool());
  return nullptr;
}

// setThreads(n): the pool used by every kernel (1 = the calling thread only).
napi_value SetThreads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args(env, info, argv)) return nullptr;
  int32_t n = 1;
  napi_get_value_int32(env, argv[0], &n);
  layerlens::setSharedPoolThreads(n);
  return nullptr;
}

// info() -> { isa, threads }
napi_value Info(napi_env env, napi_callback_info) {
  napi_value result, isa, threads;
  napi_create_object(env, &result);
  napi_create_string_utf8(env, layerlens::gemmIsa(), NAPI_AUTO_LENGTH, &isa);
  napi_create_int32(env, pool().size(), &threads);
  napi_set_named_property(env, result, "isa", isa);
  napi_set_named_property(env, result, "threads", threads);
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"packFilter", nullptr, PackFilter, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"packFilterTransposed", nullptr, PackFilterTransposed, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInput", nullptr, Conv2dBackpropInput, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"depthwiseConv2d", nullptr, DepthwiseConv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"depthwiseConv2dBackpropInput", nullptr, DepthwiseConv2dBackpropInput, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPoolGrad", nullptr, MaxPoolGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"matMul", nullptr, MatMul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPool", nullptr, MaxPool, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"channelStats", nullptr, ChannelStats, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"shearLines", nullptr, ShearLines, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"slice", nullptr, Slice, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"channelBroadcast", nullptr, ChannelBroadcast, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"clamp", nullptr, Clamp, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"relu", nullptr, Relu, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  layerlens::defineMemoryOps(env, exports);
  layerlens::definePixelOps(env, exports);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
