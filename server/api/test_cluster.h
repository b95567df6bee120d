// Test fixture: one in-process Cairn member (temp-dir WAL, mem backend, SingleNodeLog,
// EtcdServer) behind a grpc::Server reached through an in-process channel. For service tests
// that need what etcdctl cannot send (watch ids, fragments, progress requests).
#pragma once

#include <grpcpp/grpcpp.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "server/api/auth_service.h"
#include "server/api/kv_service.h"
#include "server/api/lease_service.h"
#include "server/api/maintenance_service.h"
#include "server/api/watch_service.h"
#include "server/etcdserver/single_node_log.h"
#include "storage/backend/mem_backend.h"

namespace cairn::api::testing {

struct TestMember {
  // client_cert_auth: --client-cert-auth (CN-as-user); passwords use bcrypt cost 4.
  explicit TestMember(std::chrono::milliseconds progress_interval = std::chrono::minutes(10),
                      size_t max_watch_response_bytes = 1572864, bool client_cert_auth = false) {
    char tmpl[] = "/tmp/api_testXXXXXX";
    dir = mkdtemp(tmpl);
    wal::Options wo;
    wo.segment_bytes = 1 << 20;
    wo.log = [](std::string_view) {};
    Status st = wal::Wal::Open(dir, wo, &wal);
    if (!st.ok()) std::abort();
    backend = std::make_unique<backend::MemBackend>();
    etcdserver::SingleNodeLog::Options lo;
    lo.member_id = 0x8e9e05c52164694dULL;
    log = std::make_unique<etcdserver::SingleNodeLog>(wal.get(), lo);
    etcdserver::ServerOptions so;
    so.member_id = lo.member_id;
    so.cluster_id = 0xcdf818194e3a8c32ULL;
    so.bcrypt_cost = 4;
    so.client_cert_auth = client_cert_auth;
    if (!etcdserver::EtcdServer::Open(so, backend.get(), log.get(), &server).ok()) std::abort();
    kv_service = std::make_unique<KvService>(server.get());
    watch_service = std::make_unique<WatchService>(server.get(), progress_interval, max_watch_response_bytes);
    lease_service = std::make_unique<LeaseService>(server.get());
    maintenance_service = std::make_unique<MaintenanceService>(server.get());
    auth_service = std::make_unique<AuthService>(server.get());
    grpc::ServerBuilder b;
    b.RegisterService(kv_service.get());
    b.RegisterService(watch_service.get());
    b.RegisterService(lease_service.get());
    b.RegisterService(maintenance_service.get());
    b.RegisterService(auth_service.get());
    grpc = b.BuildAndStart();
    channel = grpc->InProcessChannel(grpc::ChannelArguments());
  }
  ~TestMember() {
    grpc->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server->Stop();
    std::filesystem::remove_all(dir);
  }

  std::string dir;
  std::unique_ptr<wal::Wal> wal;
  std::unique_ptr<backend::MemBackend> backend;
  std::unique_ptr<etcdserver::SingleNodeLog> log;
  std::unique_ptr<etcdserver::EtcdServer> server;
  std::unique_ptr<KvService> kv_service;
  std::unique_ptr<WatchService> watch_service;
  std::unique_ptr<LeaseService> lease_service;
  std::unique_ptr<MaintenanceService> maintenance_service;
  std::unique_ptr<AuthService> auth_service;
  std::unique_ptr<grpc::Server> grpc;
  std::shared_ptr<grpc::Channel> channel;
};

}  // namespace cairn::api::testing
