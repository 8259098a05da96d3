#include "sha256.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace meso::journal::detail {

namespace {

struct MdFree {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("journal SHA-256: ") + what + " failed in libcrypto");
}

const EVP_MD* sha256_algorithm() {
  static const std::unique_ptr<EVP_MD, MdFree> algorithm = [] {
    std::unique_ptr<EVP_MD, MdFree> fetched(EVP_MD_fetch(nullptr, "SHA256", nullptr));
    if (!fetched) fail("EVP_MD_fetch(SHA256)");
    return fetched;
  }();
  return algorithm.get();
}

EVP_MD_CTX* thread_context() {
  thread_local const std::unique_ptr<EVP_MD_CTX, MdCtxFree> context = [] {
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> created(EVP_MD_CTX_new());
    if (!created) fail("EVP_MD_CTX_new");
    return created;
  }();
  return context.get();
}

}  // namespace

Digest sha256_of(std::initializer_list<std::span<const std::uint8_t>> parts) {
  EVP_MD_CTX* context = thread_context();
  if (EVP_DigestInit_ex(context, sha256_algorithm(), nullptr) != 1) fail("EVP_DigestInit_ex");
  for (const auto part : parts) {
    if (!part.empty() && EVP_DigestUpdate(context, part.data(), part.size()) != 1) fail("EVP_DigestUpdate");
  }
  Digest digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context, digest.data(), &length) != 1 || length != digest.size()) {
    fail("EVP_DigestFinal_ex");
  }
  return digest;
}

}  // namespace meso::journal::detail
