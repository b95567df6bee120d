// The per-request cost of auth on the hot path (docs/security.md): a permission check against
// the cached state, a simple-token lookup, and the check with auth off.
#include <benchmark/benchmark.h>

#include "server/auth/auth_store.h"
#include "server/auth/simple_token.h"
#include "storage/backend/mem_backend.h"

namespace cairn::auth {
namespace {

// 100 users with 10 roles of 10 ranges each; the checked user holds all roles.
struct Fixture {
  Fixture() {
    if (!AuthStore::Open(&be, &store).ok()) std::abort();
    (void)store->UserAdd("root", "h", false);
    (void)store->UserGrantRole("root", "root");
    for (int r = 0; r < 10; ++r) {
      const std::string role = "r" + std::to_string(r);
      (void)store->RoleAdd(role);
      for (int k = 0; k < 10; ++k) {
        authpb::Permission p;
        p.set_permtype(authpb::Permission::READWRITE);
        p.set_key("/registry/" + std::to_string(r) + "/" + std::to_string(k) + "/");
        p.set_range_end("/registry/" + std::to_string(r) + "/" + std::to_string(k) + "0");
        (void)store->RoleGrantPermission(role, p);
      }
    }
    for (int u = 0; u < 100; ++u) {
      const std::string user = "u" + std::to_string(u);
      (void)store->UserAdd(user, "h", false);
      for (int r = 0; r < 10; ++r) (void)store->UserGrantRole(user, "r" + std::to_string(r));
    }
  }
  backend::MemBackend be;
  std::unique_ptr<AuthStore> store;
};

void BM_CheckReadAuthOff(benchmark::State& state) {
  Fixture f;
  AuthInfo who;
  for (auto _ : state) benchmark::DoNotOptimize(f.store->CheckRead(who, "/registry/5/5/pod", {}));
}
BENCHMARK(BM_CheckReadAuthOff)->ThreadRange(1, 2);

void BM_CheckReadAuthOn(benchmark::State& state) {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    (void)fx->store->AuthEnable();
    return fx;
  }();
  AuthInfo who{"u42", f->store->revision()};
  for (auto _ : state) benchmark::DoNotOptimize(f->store->CheckRead(who, "/registry/5/5/pod", {}));
}
BENCHMARK(BM_CheckReadAuthOn)->ThreadRange(1, 2);

void BM_SimpleTokenInfo(benchmark::State& state) {
  static SimpleTokenProvider* p = [] {
    auto* t =
        new SimpleTokenProvider(std::chrono::seconds(300), [] { return std::chrono::system_clock::now(); });
    t->Enable();
    for (int i = 0; i < 1000; ++i) {
      std::string tok;
      (void)t->Assign("u" + std::to_string(i % 100), 1, "abcdefghijklmnop", static_cast<uint64_t>(i), &tok);
    }
    return t;
  }();
  const std::string token = "abcdefghijklmnop." + std::to_string(state.thread_index() * 7 + 3);
  AuthInfo who;
  for (auto _ : state) benchmark::DoNotOptimize(p->Info(token, 1, &who));
}
BENCHMARK(BM_SimpleTokenInfo)->ThreadRange(1, 2);

}  // namespace
}  // namespace cairn::auth
