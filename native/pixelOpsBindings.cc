// Every size is checked against the arrays before a pointer is touched: a wrong call throws a RangeError.
#include "pixelOpsBindings.h"

#include <string>

#include "napiArgs.h"
#include "pixelOps.h"

namespace layerlens {

namespace {

struct Floats {
  float* data = nullptr;
  size_t length = 0;
};

bool floatsOf(napi_env env, napi_value value, const char* name, Floats& out) {
  bool isTyped = false;
  napi_is_typedarray(env, value, &isTyped);
  napi_typedarray_type type = napi_int8_array;
  void* data = nullptr;
  if (isTyped) napi_get_typedarray_info(env, value, &type, &out.length, &data, nullptr, nullptr);
  if (!isTyped || type != napi_float32_array) return fail(env, std::string(name) + " must be a Float32Array");
  out.data = static_cast<float*>(data);
  return true;
}

bool sameLength(napi_env env, const Floats& a, const Floats& b, const char* name) {
  return a.length == b.length || fail(env, std::string(name) + " must have as many values as the input");
}

// smallMatMul(a: rows × K, K, b: K × N, N, out: rows × N)
napi_value SmallMatMul(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!args(env, info, argv)) return nullptr;
  Floats a, b, out;
  if (!floatsOf(env, argv[0], "a", a) || !floatsOf(env, argv[2], "b", b) || !floatsOf(env, argv[4], "out", out)) return nullptr;
  int32_t K = 0, N = 0;
  napi_get_value_int32(env, argv[1], &K);
  napi_get_value_int32(env, argv[3], &N);
  if (K < 1 || N < 1 || K > kSmallMatMulMax || N > kSmallMatMulMax) return (fail(env, "K and N must be 1 to " + std::to_string(kSmallMatMulMax)), nullptr);
  if (a.length % static_cast<size_t>(K) != 0) return (fail(env, "a's size is not a multiple of K"), nullptr);
  const size_t rows = a.length / K;
  if (b.length != static_cast<size_t>(K) * N) return (fail(env, "b must hold K × N values"), nullptr);
  if (out.length != rows * N) return (fail(env, "out must hold rows × N values"), nullptr);
  if (rows > 0) smallMatMul(a.data, rows, K, b.data, N, out.data, sharedPool());
  return nullptr;
}

// channelDivide(a, v, out, reversed): a / v per channel (v / a when reversed), v.length channels
napi_value ChannelDivide(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, argv)) return nullptr;
  Floats a, v, out;
  if (!floatsOf(env, argv[0], "a", a) || !floatsOf(env, argv[1], "v", v) || !floatsOf(env, argv[2], "out", out)) return nullptr;
  bool reversed = false;
  napi_get_value_bool(env, argv[3], &reversed);
  if (v.length == 0 || a.length % v.length != 0) return (fail(env, "a's size is not a multiple of v's"), nullptr);
  if (!sameLength(env, a, out, "out")) return nullptr;
  if (a.length > 0) channelDivide(a.data, v.data, out.data, a.length, static_cast<int>(v.length), reversed, sharedPool());
  return nullptr;
}

// sigmoidGrad(y, dy, out)
napi_value SigmoidGrad(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!args(env, info, argv)) return nullptr;
  Floats y, dy, out;
  if (!floatsOf(env, argv[0], "y", y) || !floatsOf(env, argv[1], "dy", dy) || !floatsOf(env, argv[2], "out", out)) return nullptr;
  if (!sameLength(env, y, dy, "dy") || !sameLength(env, y, out, "out")) return nullptr;
  if (y.length > 0) sigmoidGrad(y.data, dy.data, out.data, y.length, sharedPool());
  return nullptr;
}

}  // namespace

void definePixelOps(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"smallMatMul", nullptr, SmallMatMul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"channelDivide", nullptr, ChannelDivide, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sigmoidGrad", nullptr, SigmoidGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}

}  // namespace layerlens
