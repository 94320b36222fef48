// libFuzzer target for the binary decoder and the validator.
//
// Sanitizers find crashes, but most bugs in a decoder/validator are wrong answers,
// so every input is also checked against invariants that hold for any input:
//
//  1. Errors are well-formed: the decoder reports only malformed-binary errors, the
//     validator never an I/O error, and no error points past the end of the input.
//  2. A decoded module is self-consistent: it owns an exact copy of the input, every
//     byte range lies inside it, the index spaces add up, and every constant
//     expression (and, once validated, every function body) ends with its `end`.
//  3. Determinism: validating the same Module twice, and LoadModule on the same bytes,
//     give the same result (catches reads of uninitialized or stale state).
//  4. Malformed outranks invalid (function-body.h): the first decode error that a
//     decode-only pass over the function bodies finds is exactly the error that
//     ValidateModule reports, whatever validation errors come before it (two errors
//     that only the validating pass raises are exempt). The decode-only pass is an
//     independent oracle because it never runs the typing rules, so a validation
//     failure cannot change how it parses.
//  5. The interpreter's compile path (CompileModule, which validates and lowers in
//     one pass) accepts exactly the modules that ValidateModule accepts, and reports
//     the same error for the others.
//
// A broken invariant aborts with a message, which libFuzzer records as a crash.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>

#include "base/error.h"
#include "wasm/decoder.h"
#include "wasm/function-body.h"
#include "wasm/lower.h"
#include "wasm/module.h"
#include "wasm/validator.h"

namespace {

using runw::Error;
using runw::ErrorPhase;
using runw::Result;
using namespace runw::wasm;

[[noreturn]] void Violation(const char* what, const std::optional<Error>& error = std::nullopt) {
  if (error) {
    std::fprintf(stderr, "invariant violated: %s (error: %s, offset %u)\n", what,
                 error->Message().c_str(), error->offset());
  } else {
    std::fprintf(stderr, "invariant violated: %s\n", what);
  }
  std::abort();
}

void Require(bool ok, const char* what, const std::optional<Error>& error = std::nullopt) {
  if (!ok) Violation(what, error);
}

bool SameError(const Error& a, const Error& b) {
  return a.code() == b.code() && a.offset() == b.offset() && a.index() == b.index();
}

template <typename T, typename U>
bool SameOutcome(const Result<T>& a, const Result<U>& b) {
  if (a.has_value() != b.has_value()) return false;
  return a.has_value() || SameError(a.error(), b.error());
}

void CheckError(const Error& e, size_t input_size) {
  Require(e.offset() <= input_size, "error offset past the end of the input", e);
  // Formatting must work for every code the library can produce.
  Require(!e.Message().empty(), "error without a message", e);
}

void CheckRange(const Module& m, ByteRange r, const char* what) {
  Require(r.begin <= r.end && r.end <= m.bytes.size(), what);
}

void CheckConstExprShape(const Module& m, const ConstExpr& e) {
  CheckRange(m, e.range, "constant expression outside the module bytes");
  // The decoder delimits a constant expression by decoding it through its final `end`.
  Require(e.range.size() >= 1 && m.bytes[e.range.end - 1] == 0x0b,
          "constant expression does not end with `end`");
}

void CheckModuleShape(const Module& m, std::span<const uint8_t> input) {
  Require(
      m.bytes.size() == input.size() && std::equal(m.bytes.begin(), m.bytes.end(), input.begin()),
      "Module::bytes is not a copy of the input");
  Require(m.num_imported_funcs <= m.func_types.size() && m.num_imported_tables <= m.tables.size() &&
              m.num_imported_memories <= m.memories.size() &&
              m.num_imported_globals <= m.globals.size(),
          "more imports than entries in an index space");
  Require(m.codes.size() == m.func_types.size() - m.num_imported_funcs,
          "code entries do not match the defined functions");
  for (const Code& code : m.codes) {
    CheckRange(m, code.body, "function body outside the module bytes");
    Require(code.local_count <= kMaxLocals, "more locals than the decoder allows");
    uint64_t total = 0;
    for (const LocalRun& run : code.locals)
      total += run.count;
    Require(total == code.local_count, "local runs do not add up to local_count");
  }
  for (size_t g = m.num_imported_globals; g < m.globals.size(); ++g)
    CheckConstExprShape(m, m.globals[g].init);
  for (const ElemSegment& seg : m.elems) {
    if (seg.mode == SegmentMode::kActive) CheckConstExprShape(m, seg.offset_expr);
    for (const ConstExpr& e : seg.exprs)
      CheckConstExprShape(m, e);
  }
  for (const DataSegment& seg : m.datas) {
    if (seg.mode == SegmentMode::kActive) CheckConstExprShape(m, seg.offset_expr);
    CheckRange(m, seg.init, "data segment outside the module bytes");
  }
  if (m.data_count) Require(*m.data_count == m.datas.size(), "data count disagrees with data");
  for (const CustomSection& c : m.customs)
    CheckRange(m, c.payload, "custom section payload outside the module bytes");
}

// The first malformed function body, found by decoding alone.
std::optional<Error> FirstMalformedBody(const Module& m) {
  NullConsumer none;
  BodyPass<NullConsumer> pass(m, none, /*validate=*/false);
  for (uint32_t i = 0; i < m.codes.size(); ++i) {
    auto result = pass.RunFunction(m.num_imported_funcs + i, m.codes[i]);
    if (!result) {
      Require(result.error().phase() == ErrorPhase::kDecode,
              "decode-only body pass reported a validation error", result.error());
      return result.error();
    }
  }
  return std::nullopt;
}

void CheckMalformedOutranksInvalid(const Module& m, const Result<void>& validated) {
  // Two decode-phase errors come from the validating pass alone, in its order: the
  // control-depth limit (decoding alone nests without bound) and a data index without
  // a data count section (checked after the index is validated; see Check()). The
  // oracle does not apply to them.
  if (!validated) {
    runw::ErrorCode code = validated.error().code();
    if (code == runw::ErrorCode::kImplLimit || code == runw::ErrorCode::kDataCountRequired) return;
  }
  std::optional<Error> malformed = FirstMalformedBody(m);
  if (malformed) {
    Require(!validated.has_value(), "a malformed function body validated", malformed);
    Require(validated.error().phase() == ErrorPhase::kDecode,
            "a validation error hid a malformed function body", validated.error());
    if (!SameError(validated.error(), *malformed)) {
      std::fprintf(stderr, "decoding alone: %s, offset %u\n", malformed->Message().c_str(),
                   malformed->offset());
      Violation("validation reported a different malformed-body error than decoding alone",
                validated.error());
    }
  } else if (!validated) {
    Require(validated.error().phase() == ErrorPhase::kValidate,
            "validation reported a malformed body that decoding alone accepts", validated.error());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> input(data, size);
  Result<Module> decoded = DecodeModule(input);
  if (!decoded) {
    CheckError(decoded.error(), size);
    Require(decoded.error().phase() == ErrorPhase::kDecode, "decoder reported a non-decode error",
            decoded.error());
    Require(SameOutcome(LoadModule(input), decoded), "LoadModule disagrees with DecodeModule");
    return 0;
  }
  const Module& module = *decoded;
  CheckModuleShape(module, input);

  Result<void> validated = ValidateModule(module);
  if (!validated) {
    CheckError(validated.error(), size);
    Require(validated.error().phase() != ErrorPhase::kIo, "validator reported an I/O error",
            validated.error());
  } else {
    // Validation read each body through its final `end` and nothing past it.
    for (const Code& code : module.codes) {
      Require(code.body.size() >= 1 && module.bytes[code.body.end - 1] == 0x0b,
              "a valid function body does not end with `end`");
    }
  }
  Require(SameOutcome(ValidateModule(module), validated), "re-validation gave another result");
  Require(SameOutcome(LoadModule(input), validated), "LoadModule disagrees with Decode+Validate");
  CheckMalformedOutranksInvalid(module, validated);

  // The interpreter validates each body while it lowers it; whatever it compiles must
  // be exactly what validates, with the same first error otherwise.
  auto compiled = CompileModule(module);
  if (!SameOutcome(compiled, validated)) {
    if (!validated) {
      std::fprintf(stderr, "ValidateModule: %s, offset %u\n", validated.error().Message().c_str(),
                   validated.error().offset());
    }
    if (!compiled) Violation("CompileModule disagrees with ValidateModule", compiled.error());
    Violation("CompileModule accepted an invalid module");
  }
  if (compiled) {
    Require((*compiled)->funcs.size() == module.codes.size(),
            "CompileModule lowered a different number of functions");
  }
  return 0;
}
