#include "server/auth/jwt_token.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cmath>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "server/auth/string_view_hash.h"
#include "server/etcdserver/errors.h"
#include "server/flags/go_values.h"
#include "server/logging/field.h"

namespace cairn::auth {

namespace {

enum class Kind { kRsa, kPss, kEc, kHmac };

struct Alg {
  std::string_view name;
  Kind kind;
  const EVP_MD* (*md)();
  int ec_bytes;  // ES*: size of r and of s
};

constexpr Alg kAlgs[] = {
    {"RS256", Kind::kRsa, EVP_sha256, 0},  {"RS384", Kind::kRsa, EVP_sha384, 0},
    {"RS512", Kind::kRsa, EVP_sha512, 0},  {"PS256", Kind::kPss, EVP_sha256, 0},
    {"PS384", Kind::kPss, EVP_sha384, 0},  {"PS512", Kind::kPss, EVP_sha512, 0},
    {"ES256", Kind::kEc, EVP_sha256, 32},  {"ES384", Kind::kEc, EVP_sha384, 48},
    {"ES512", Kind::kEc, EVP_sha512, 66},  {"HS256", Kind::kHmac, EVP_sha256, 0},
    {"HS384", Kind::kHmac, EVP_sha384, 0}, {"HS512", Kind::kHmac, EVP_sha512, 0},
};

std::string Base64Url(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

bool FromBase64Url(std::string_view in, std::string* out) {
  std::string s(in);
  for (char& c : s) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (c == '+' || c == '/' || c == '=')
      return false;
  }
  if (s.size() % 4 == 1) return false;
  size_t pad = (4 - s.size() % 4) % 4;
  s.append(pad, '=');
  out->assign(s.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out->data()),
                          reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0) return false;
  out->resize(static_cast<size_t>(n) - pad);
  return true;
}

// Go encoding/json string escaping (HTML-safe, as json.Marshal writes it).
std::string JsonString(std::string_view s) {
  std::string out;
  logging::AppendJsonString(&out, s, logging::JsonEscape::kGoEncodingJson);
  return out;
}

// A flat JSON object of strings, numbers, booleans and nulls (what JWT headers and etcd's claims
// hold). Anything else fails the parse.
struct FlatJson {
  std::map<std::string, std::string> strings;
  std::map<std::string, double> numbers;
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view s) : s_(s) {}
  bool Object(FlatJson* out) {
    Ws();
    if (!Eat('{')) return false;
    Ws();
    if (Eat('}')) return End();
    while (true) {
      std::string key;
      Ws();
      if (!String(&key)) return false;
      Ws();
      if (!Eat(':')) return false;
      Ws();
      if (Peek() == '"') {
        std::string v;
        if (!String(&v)) return false;
        out->strings[key] = std::move(v);
      } else if (Literal("true") || Literal("false") || Literal("null")) {
      } else {
        size_t start = i_;
        while (i_ < s_.size() && std::string_view("+-0123456789.eE").find(s_[i_]) != std::string_view::npos)
          ++i_;
        if (start == i_) return false;
        std::string num(s_.substr(start, i_ - start));
        char* end = nullptr;
        double d = std::strtod(num.c_str(), &end);
        if (end != num.c_str() + num.size()) return false;
        out->numbers[key] = d;
      }
      Ws();
      if (Eat(',')) continue;
      if (Eat('}')) return End();
      return false;
    }
  }

 private:
  char Peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++i_;
    return true;
  }
  bool End() {
    Ws();
    return i_ == s_.size();
  }
  void Ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool Literal(std::string_view lit) {
    if (s_.substr(i_, lit.size()) != lit) return false;
    i_ += lit.size();
    return true;
  }
  bool String(std::string* out) {
    if (!Eat('"')) return false;
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '"') return true;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (i_ >= s_.size()) return false;
      char e = s_[i_++];
      switch (e) {
        case '"':
        case '\\':
        case '/': out->push_back(e); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          if (i_ + 4 > s_.size()) return false;
          unsigned cp = 0;
          for (int k = 0; k < 4; ++k) {
            char h = s_[i_++];
            cp <<= 4;
            if (h >= '0' && h <= '9')
              cp |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f')
              cp |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
              cp |= static_cast<unsigned>(h - 'A' + 10);
            else
              return false;
          }
          if (cp < 0x80) {
            out->push_back(static_cast<char>(cp));
          } else if (cp < 0x800) {
            out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
            out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
          } else {
            out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
            out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
            out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
          }
          break;
        }
        default: return false;
      }
    }
    return false;
  }
  std::string_view s_;
  size_t i_ = 0;
};

Status ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("auth: cannot read JWT key file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return Status::Ok();
}

EVP_PKEY* ParsePrivateKey(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return key;
}

EVP_PKEY* ParsePublicKey(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key != nullptr) return key;
  // Go's jwt also takes a certificate's public key.
  bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) return nullptr;
  key = X509_get_pubkey(cert);
  X509_free(cert);
  return key;
}

}  // namespace

struct JwtTokenProvider::Impl {
  const Alg* alg = nullptr;
  EVP_PKEY* priv = nullptr;
  EVP_PKEY* pub = nullptr;  // priv when no pub-key was given
  std::string secret;       // HS*
  std::chrono::nanoseconds ttl{std::chrono::minutes(5)};
  WallClock clock;
  std::string header_b64;

  // Tokens whose signature was verified: a token is checked once, then each use costs a hash
  // lookup instead of a signature verification. Bounded: emptied when it reaches kCacheMax.
  struct Verified {
    std::string username;
    uint64_t revision = 0;
    double exp = 0;  // seconds since the epoch; 0: no exp claim
  };
  static constexpr size_t kCacheMax = 4096;
  std::mutex cache_mu;
  std::unordered_map<std::string, Verified, StringViewHash, std::equal_to<>> cache;

  ~Impl() {
    if (pub != priv) EVP_PKEY_free(pub);
    EVP_PKEY_free(priv);
  }

  bool Sign(std::string_view data, std::string* sig) const {
    if (alg->kind == Kind::kHmac) {
      unsigned char mac[EVP_MAX_MD_SIZE];
      unsigned int len = 0;
      if (HMAC(alg->md(), secret.data(), static_cast<int>(secret.size()),
               reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len) == nullptr) {
        return false;
      }
      sig->assign(reinterpret_cast<char*>(mac), len);
      return true;
    }
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    bool ok = EVP_DigestSignInit(ctx, &pctx, alg->md(), nullptr, priv) == 1;
    if (ok && alg->kind == Kind::kPss) {
      ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
    }
    size_t len = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    ok = ok && EVP_DigestSign(ctx, nullptr, &len, in, data.size()) == 1;
    std::string der(len, '\0');
    ok = ok && EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &len, in, data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) return false;
    der.resize(len);
    if (alg->kind != Kind::kEc) {
      *sig = std::move(der);
      return true;
    }
    // JWS ES*: r || s, each left-padded to the curve size.
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    if (es == nullptr) return false;
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(es, &r, &s);
    sig->assign(static_cast<size_t>(2 * alg->ec_bytes), '\0');
    auto* out = reinterpret_cast<unsigned char*>(sig->data());
    ok = BN_bn2binpad(r, out, alg->ec_bytes) == alg->ec_bytes &&
         BN_bn2binpad(s, out + alg->ec_bytes, alg->ec_bytes) == alg->ec_bytes;
    ECDSA_SIG_free(es);
    return ok;
  }

  bool Verify(std::string_view data, std::string_view sig) const {
    if (alg->kind == Kind::kHmac) {
      std::string mac;
      return Sign(data, &mac) && mac.size() == sig.size() &&
             CRYPTO_memcmp(mac.data(), sig.data(), sig.size()) == 0;
    }
    std::string der;
    if (alg->kind == Kind::kEc) {
      if (sig.size() != static_cast<size_t>(2 * alg->ec_bytes)) return false;
      const auto* raw = reinterpret_cast<const unsigned char*>(sig.data());
      ECDSA_SIG* es = ECDSA_SIG_new();
      BIGNUM* r = BN_bin2bn(raw, alg->ec_bytes, nullptr);
      BIGNUM* s = BN_bin2bn(raw + alg->ec_bytes, alg->ec_bytes, nullptr);
      ECDSA_SIG_set0(es, r, s);
      int len = i2d_ECDSA_SIG(es, nullptr);
      der.assign(static_cast<size_t>(std::max(len, 0)), '\0');
      auto* p = reinterpret_cast<unsigned char*>(der.data());
      i2d_ECDSA_SIG(es, &p);
      ECDSA_SIG_free(es);
      sig = der;
    }
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    bool ok = EVP_DigestVerifyInit(ctx, &pctx, alg->md(), nullptr, pub) == 1;
    if (ok && alg->kind == Kind::kPss) {
      ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) == 1;
    }
    ok = ok && EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                                reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
  }
};

JwtTokenProvider::JwtTokenProvider(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JwtTokenProvider::~JwtTokenProvider() = default;

Status JwtTokenProvider::Create(const std::map<std::string, std::string>& opts, WallClock clock,
                                std::unique_ptr<TokenProvider>* out) {
  auto impl = std::make_unique<Impl>();
  impl->clock = std::move(clock);
  auto get = [&](const char* k) {
    auto it = opts.find(k);
    return it == opts.end() ? std::string() : it->second;
  };
  const std::string method = get("sign-method");
  for (const Alg& a : kAlgs) {
    if (a.name == method) impl->alg = &a;
  }
  if (impl->alg == nullptr) {
    return Status::InvalidArgument("auth: invalid auth signature method (--auth-token sign-method=" + method +
                                   ")");
  }
  if (std::string ttl = get("ttl"); !ttl.empty()) {
    std::string why;
    if (!flags::ParseGoDuration(ttl, &impl->ttl, &why)) {
      return Status::InvalidArgument("auth: invalid --auth-token ttl=" + ttl + ": " + why);
    }
  }
  const std::string pub_file = get("pub-key");
  const std::string priv_file = get("priv-key");
  std::string pub_pem;
  std::string priv_pem;
  if (!pub_file.empty()) CAIRN_RETURN_IF_ERROR(ReadFile(pub_file, &pub_pem));
  if (!priv_file.empty()) CAIRN_RETURN_IF_ERROR(ReadFile(priv_file, &priv_pem));
  if (impl->alg->kind == Kind::kHmac) {
    if (priv_pem.empty()) return Status::InvalidArgument("auth: missing key data (--auth-token priv-key)");
    impl->secret = priv_pem;
  } else {
    if (pub_pem.empty() && priv_pem.empty()) {
      return Status::InvalidArgument("auth: missing key data (--auth-token pub-key / priv-key)");
    }
    const int want = impl->alg->kind == Kind::kEc ? EVP_PKEY_EC : EVP_PKEY_RSA;
    if (!priv_pem.empty()) {
      impl->priv = ParsePrivateKey(priv_pem);
      if (impl->priv == nullptr || EVP_PKEY_get_base_id(impl->priv) != want) {
        return Status::InvalidArgument("auth: cannot use " + priv_file + " as a " + method + " private key");
      }
    }
    if (!pub_pem.empty()) {
      impl->pub = ParsePublicKey(pub_pem);
      if (impl->pub == nullptr || EVP_PKEY_get_base_id(impl->pub) != want) {
        return Status::InvalidArgument("auth: cannot use " + pub_file + " as a " + method + " public key");
      }
      if (impl->priv != nullptr && EVP_PKEY_eq(impl->priv, impl->pub) != 1) {
        return Status::InvalidArgument("auth: public and private keys don't match (" + pub_file + ", " +
                                       priv_file + ")");
      }
    } else {
      impl->pub = impl->priv;
    }
  }
  impl->header_b64 = Base64Url("{\"alg\":\"" + std::string(impl->alg->name) + "\",\"typ\":\"JWT\"}");
  out->reset(new JwtTokenProvider(std::move(impl)));
  return Status::Ok();
}

Status JwtTokenProvider::Assign(const std::string& user, uint64_t revision, const std::string&, uint64_t,
                                std::string* token) {
  if (impl_->alg->kind != Kind::kHmac && impl_->priv == nullptr) {
    return Status::InvalidArgument(std::string(etcdserver::kErrVerifyOnly));
  }
  const auto exp =
      std::chrono::duration_cast<std::chrono::seconds>((impl_->clock() + impl_->ttl).time_since_epoch())
          .count();
  const std::string claims = "{\"exp\":" + std::to_string(exp) + ",\"revision\":" + std::to_string(revision) +
                             ",\"username\":" + JsonString(user) + "}";
  std::string signing_input = impl_->header_b64 + "." + Base64Url(claims);
  std::string sig;
  if (!impl_->Sign(signing_input, &sig)) return Status::IOError("auth: failed to sign a JWT token");
  *token = signing_input + "." + Base64Url(sig);
  return Status::Ok();
}

bool JwtTokenProvider::Info(std::string_view token, uint64_t, AuthInfo* out) {
  const double now = static_cast<double>(
      std::chrono::duration_cast<std::chrono::seconds>(impl_->clock().time_since_epoch()).count());
  {
    std::lock_guard<std::mutex> lock(impl_->cache_mu);
    auto hit = impl_->cache.find(token);
    if (hit != impl_->cache.end()) {
      if (hit->second.exp != 0 && now > hit->second.exp) return false;
      out->username = hit->second.username;
      out->revision = hit->second.revision;
      return true;
    }
  }
  const size_t d1 = token.find('.');
  if (d1 == std::string_view::npos) return false;
  const size_t d2 = token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) return false;
  std::string header;
  std::string payload;
  std::string sig;
  if (!FromBase64Url(token.substr(0, d1), &header) ||
      !FromBase64Url(token.substr(d1 + 1, d2 - d1 - 1), &payload) ||
      !FromBase64Url(token.substr(d2 + 1), &sig)) {
    return false;
  }
  FlatJson h;
  if (!JsonReader(header).Object(&h)) return false;
  auto alg = h.strings.find("alg");
  if (alg == h.strings.end() || alg->second != impl_->alg->name) return false;
  if (!impl_->Verify(token.substr(0, d2), sig)) return false;
  FlatJson c;
  if (!JsonReader(payload).Object(&c)) return false;
  auto user = c.strings.find("username");
  auto rev = c.numbers.find("revision");
  if (user == c.strings.end() || rev == c.numbers.end() || rev->second < 0) return false;
  double exp_at = 0;
  if (auto exp = c.numbers.find("exp"); exp != c.numbers.end()) {
    if (now > exp->second) return false;  // Go jwt: valid while now <= exp
    exp_at = exp->second;
  }
  out->username = user->second;
  out->revision = static_cast<uint64_t>(rev->second);
  std::lock_guard<std::mutex> lock(impl_->cache_mu);
  if (impl_->cache.size() >= Impl::kCacheMax) impl_->cache.clear();
  impl_->cache.emplace(std::string(token), Impl::Verified{out->username, out->revision, exp_at});
  return true;
}

}  // namespace cairn::auth
