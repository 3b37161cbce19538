// Every size is checked against the arrays before a pointer is touched: a wrong call throws a RangeError.
#include "memoryOpsBindings.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "memoryOps.h"
#include "napiArgs.h"

namespace layerlens {

namespace {

// A Float32Array or Int32Array: the kernels copy its 4-byte elements as they are.
struct Words {
  uint32_t* data = nullptr;
  size_t length = 0;
  napi_typedarray_type type = napi_float32_array;
};

bool wordsOf(napi_env env, napi_value value, const char* name, Words& out) {
  bool isTyped = false;
  napi_is_typedarray(env, value, &isTyped);
  void* data = nullptr;
  if (isTyped) napi_get_typedarray_info(env, value, &out.type, &out.length, &data, nullptr, nullptr);
  if (!isTyped || (out.type != napi_float32_array && out.type != napi_int32_array)) return fail(env, std::string(name) + " must be a Float32Array or an Int32Array");
  out.data = static_cast<uint32_t*>(data);
  return true;
}

bool sameType(napi_env env, const Words& a, const Words& b) { return a.type == b.type || fail(env, "the input and output arrays must be of one type"); }

// An Int32Array of at most kMaxMoveRank non-negative values (`rank` < 0: any length, which is returned in it).
bool dimsOf(napi_env env, napi_value value, const char* name, int& rank, int* out) {
  bool isTyped = false;
  napi_is_typedarray(env, value, &isTyped);
  napi_typedarray_type type = napi_float32_array;
  size_t length = 0;
  void* data = nullptr;
  if (isTyped) napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr);
  if (!isTyped || type != napi_int32_array) return fail(env, std::string(name) + " must be an Int32Array");
  if (length > static_cast<size_t>(kMaxMoveRank)) return fail(env, std::string(name) + " has more than " + std::to_string(kMaxMoveRank) + " axes");
  if (rank >= 0 && length != static_cast<size_t>(rank)) return fail(env, std::string(name) + " must have one value per axis");
  rank = static_cast<int>(length);
  std::memcpy(out, data, length * sizeof(int));
  for (int i = 0; i < rank; i++)
    if (out[i] < 0) return fail(env, std::string(name) + " must not be negative");
  return true;
}

size_t product(const int* dims, int rank) {
  size_t n = 1;
  for (int i = 0; i < rank; i++) n *= static_cast<size_t>(dims[i]);
  return n;
}

bool sizeIs(napi_env env, size_t length, size_t expected, const char* name) {
  return length == expected || fail(env, std::string(name) + " size does not match its shape");
}

// transpose(x, shape: Int32Array, perm: Int32Array, out)
napi_value Transpose(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, argv)) return nullptr;
  Words x, out;
  int shape[kMaxMoveRank], perm[kMaxMoveRank], rank = -1;
  if (!wordsOf(env, argv[0], "x", x) || !wordsOf(env, argv[3], "out", out) || !sameType(env, x, out)) return nullptr;
  if (!dimsOf(env, argv[1], "shape", rank, shape) || !dimsOf(env, argv[2], "perm", rank, perm)) return nullptr;
  bool seen[kMaxMoveRank] = {};
  for (int i = 0; i < rank; i++) {
    if (perm[i] >= rank || seen[perm[i]]) return (fail(env, "perm must be a permutation of the axes"), nullptr);
    seen[perm[i]] = true;
  }
  const size_t n = product(shape, rank);
  if (!sizeIs(env, x.length, n, "x") || !sizeIs(env, out.length, n, "out")) return nullptr;
  transpose(x.data, shape, perm, rank, out.data, sharedPool());
  return nullptr;
}

// padConstant(x, shape, before, after: Int32Array, value: number, out)
napi_value PadConstant(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!args(env, info, argv)) return nullptr;
  Words x, out;
  int shape[kMaxMoveRank], before[kMaxMoveRank], after[kMaxMoveRank], rank = -1;
  if (!wordsOf(env, argv[0], "x", x) || !wordsOf(env, argv[5], "out", out) || !sameType(env, x, out)) return nullptr;
  if (!dimsOf(env, argv[1], "shape", rank, shape) || !dimsOf(env, argv[2], "before", rank, before) || !dimsOf(env, argv[3], "after", rank, after)) return nullptr;
  int padded[kMaxMoveRank];
  for (int i = 0; i < rank; i++) padded[i] = shape[i] + before[i] + after[i];
  if (!sizeIs(env, x.length, product(shape, rank), "x") || !sizeIs(env, out.length, product(padded, rank), "out")) return nullptr;
  double value = 0;
  napi_get_value_double(env, argv[4], &value);
  // The fill as TF.js stores it: rounded to float32, or truncated to int32 as a typed array's fill does.
  uint32_t bits = 0;
  if (x.type == napi_float32_array) {
    const float f = static_cast<float>(value);
    std::memcpy(&bits, &f, sizeof bits);
  } else {
    const double t = std::trunc(value);
    bits = static_cast<uint32_t>(std::isfinite(t) ? static_cast<int32_t>(static_cast<int64_t>(std::fmod(t, 4294967296.0))) : 0);
  }
  if (out.length > 0) padConstant(x.data, shape, before, after, rank, bits, out.data, sharedPool());
  return nullptr;
}

// concat(inputs: array of `outer` rows each, outer, out)
napi_value Concat(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!args(env, info, argv)) return nullptr;
  Words out;
  if (!wordsOf(env, argv[2], "out", out)) return nullptr;
  int32_t outer = 0;
  napi_get_value_int32(env, argv[1], &outer);
  if (outer <= 0) return (fail(env, "outer must be positive"), nullptr);
  uint32_t count = 0;
  bool isArray = false;
  napi_is_array(env, argv[0], &isArray);
  if (!isArray) return (fail(env, "inputs must be an array"), nullptr);
  napi_get_array_length(env, argv[0], &count);
  std::vector<const uint32_t*> data(count);
  std::vector<size_t> inner(count);
  size_t row = 0;
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    napi_get_element(env, argv[0], i, &element);
    Words w;
    if (!wordsOf(env, element, "every input", w) || !sameType(env, w, out)) return nullptr;
    if (w.length % static_cast<size_t>(outer) != 0) return (fail(env, "an input's size is not a multiple of outer"), nullptr);
    data[i] = w.data;
    inner[i] = w.length / outer;
    row += inner[i];
  }
  if (!sizeIs(env, out.length, row * outer, "out")) return nullptr;
  concatRows(data.data(), inner.data(), static_cast<int>(count), static_cast<size_t>(outer), out.data, sharedPool());
  return nullptr;
}

}  // namespace

void defineMemoryOps(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"transpose", nullptr, Transpose, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"padConstant", nullptr, PadConstant, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"concat", nullptr, Concat, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}

}  // namespace layerlens
