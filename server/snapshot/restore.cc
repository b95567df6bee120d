#include "server/snapshot/restore.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "server/etcdserver/member_id.h"
#include "server/snapshot/member_records.h"
#include "server/snapshot/restore_cluster.h"
#include "server/snapshot/snapshot_file.h"
#include "storage/backend/backend.h"
#include "storage/bolt/db.h"
#include "storage/io/file.h"
#include "storage/mvcc/kv_store.h"
#include "storage/mvcc/revision.h"

namespace cairn::snapshot {
namespace {

namespace fs = std::filesystem;

// Go's %q for the paths at hand.
std::string GoQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

std::string Parent(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const size_t slash = p.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return p.substr(0, slash);
}

Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open " + dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::FromErrno("fsync " + dir, err);
  return Status::Ok();
}

Status MakeDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0) return Status::FromErrno("mkdir " + dir, errno);
  return Status::Ok();
}

// mkdir -p (mode 0700), appending each directory it created to *created (outermost first), and
// syncing the parent of each.
Status MakeDirAll(const std::string& dir, std::vector<std::string>* created) {
  if (dir.empty() || Exists(dir)) return Status::Ok();
  CAIRN_RETURN_IF_ERROR(MakeDirAll(Parent(dir), created));
  CAIRN_RETURN_IF_ERROR(MakeDir(dir));
  created->push_back(dir);
  return SyncDir(Parent(dir));
}

// Removes what a failed restore created, newest first.
class Undo {
 public:
  ~Undo() {
    if (committed_) return;
    for (auto it = paths_.rbegin(); it != paths_.rend(); ++it) {
      std::error_code ec;
      fs::remove_all(*it, ec);
    }
  }
  void Add(const std::string& path) { paths_.push_back(path); }
  void AddAll(const std::vector<std::string>& paths) {
    paths_.insert(paths_.end(), paths.begin(), paths.end());
  }
  void Commit() { committed_ = true; }

 private:
  std::vector<std::string> paths_;
  bool committed_ = false;
};

// The members/members_removed buckets replaced and the meta keys set (member_records.h), in one
// bolt write transaction committed with bolt's durability order.
Status RewriteForNewCluster(const std::string& db_path, const RestoreCluster& cluster) {
  std::unique_ptr<bolt::DB> db;
  CAIRN_RETURN_IF_ERROR(bolt::DB::Open(io::DefaultEnv(), db_path, bolt::Options{}, &db));
  // A db restored with --skip-hash-check has nothing vouching for it: walk it before use, so a
  // damaged page is an error here rather than an abort later.
  if (Status st = db->Check(); !st.ok()) {
    return Status::Corruption("snapshot file integrity check failed: " + st.message());
  }
  std::unique_ptr<bolt::Tx> tx;
  CAIRN_RETURN_IF_ERROR(db->Begin(true, &tx));
  for (std::string_view name : {etcdserver::kMembersBucket, etcdserver::kMembersRemovedBucket}) {
    if (tx->Bucket(name) != nullptr) CAIRN_RETURN_IF_ERROR(tx->DeleteBucket(name));
  }
  bolt::Bucket* members = nullptr;
  CAIRN_RETURN_IF_ERROR(tx->CreateBucket(etcdserver::kMembersBucket, &members));
  for (const MemberRecord& m : cluster.members) {
    CAIRN_RETURN_IF_ERROR(members->Put(MemberKey(m.id), MemberJson(m)));
  }
  CAIRN_RETURN_IF_ERROR(tx->CreateBucket(etcdserver::kMembersRemovedBucket));
  bolt::Bucket* meta = nullptr;
  CAIRN_RETURN_IF_ERROR(tx->CreateBucketIfNotExists(backend::kMetaBucket, &meta));
  CAIRN_RETURN_IF_ERROR(meta->Put(mvcc::kConsistentIndexKey, mvcc::BigEndian64(cluster.members.size())));
  CAIRN_RETURN_IF_ERROR(meta->Put(mvcc::kTermKey, mvcc::BigEndian64(1)));
  CAIRN_RETURN_IF_ERROR(meta->Put(kConfStateKey, ConfStateJson(cluster.MemberIds())));
  CAIRN_RETURN_IF_ERROR(meta->Put(etcdserver::kClusterIdKey, mvcc::BigEndian64(cluster.cluster_id)));
  return tx->Commit();
}

// Lexically normal, without a trailing slash: "a//b/./" -> "a/b".
fs::path Normal(const std::string& path) {
  std::string s = fs::path(path).lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return fs::path(s);
}

// The path of `path` relative to `dir` when `path` lies strictly inside it (lexically), else "".
std::string RelativeInside(const std::string& path, const std::string& dir) {
  const fs::path p = Normal(path);
  const fs::path d = Normal(dir);
  const fs::path rel = p.lexically_relative(d);
  if (rel.empty() || rel == "." || *rel.begin() == "..") return "";
  return rel.string();
}

}  // namespace

std::string JoinPath(const std::string& dir, const std::string& name) {
  std::string d = dir;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  if (d.empty()) return name;
  if (d == "/") return "/" + name;
  return d + "/" + name;
}

Status Restore(const RestoreOptions& o) {
  // 1. The new cluster.
  RestoreCluster cluster;
  CAIRN_RETURN_IF_ERROR(BuildRestoreCluster(o.name, o.initial_cluster, o.initial_cluster_token,
                                            o.initial_advertise_peer_urls, &cluster));

  // 2. Targets must be new.
  const std::string data_dir = o.data_dir.empty() ? o.name + ".etcd" : o.data_dir;
  if (Exists(data_dir)) return Status::Exists("data-dir " + GoQuote(data_dir) + " exists");
  const std::string wal_dir = o.wal_dir.empty() ? JoinPath(JoinPath(data_dir, "member"), "wal") : o.wal_dir;
  if (Exists(wal_dir)) return Status::Exists("wal-dir " + GoQuote(wal_dir) + " exists");
  if (Normal(wal_dir) == Normal(data_dir))
    return Status::InvalidArgument("--wal-dir must differ from --data-dir");
  const std::string snap_dir = JoinPath(JoinPath(data_dir, "member"), "snap");
  if (o.logger != nullptr) {
    o.logger->Info("restoring snapshot",
                   {logging::String("path", o.snapshot_path), logging::String("wal-dir", wal_dir),
                    logging::String("data-dir", data_dir), logging::String("snap-dir", snap_dir)});
  }

  // 3. The data dir, built under a sibling name.
  Undo undo;
  std::vector<std::string> created;
  Status st = MakeDirAll(Parent(data_dir), &created);
  undo.AddAll(created);
  CAIRN_RETURN_IF_ERROR(st);
  std::string tmp_template = data_dir;
  while (tmp_template.size() > 1 && tmp_template.back() == '/') tmp_template.pop_back();
  tmp_template += ".restore-XXXXXX";
  std::vector<char> tmp_buf(tmp_template.begin(), tmp_template.end());
  tmp_buf.push_back('\0');
  if (::mkdtemp(tmp_buf.data()) == nullptr) return Status::FromErrno("mkdtemp " + tmp_template, errno);
  const std::string tmp(tmp_buf.data());
  undo.Add(tmp);
  const std::string tmp_member = JoinPath(tmp, "member");
  const std::string tmp_snap = JoinPath(tmp_member, "snap");
  CAIRN_RETURN_IF_ERROR(MakeDir(tmp_member));
  CAIRN_RETURN_IF_ERROR(MakeDir(tmp_snap));
  const std::string tmp_db = JoinPath(tmp_snap, "db");
  CAIRN_RETURN_IF_ERROR(CopySnapshotDb(o.snapshot_path, tmp_db, o.skip_hash_check));
  CAIRN_RETURN_IF_ERROR(RewriteForNewCluster(tmp_db, cluster));
  const std::string wal_rel = RelativeInside(wal_dir, data_dir);
  const bool wal_inside = !wal_rel.empty();
  if (wal_inside) {
    std::string rel = wal_rel;
    while (!rel.empty() && rel.back() == '/') rel.pop_back();
    std::vector<std::string> inner;
    CAIRN_RETURN_IF_ERROR(MakeDirAll(JoinPath(tmp, rel), &inner));
  }
  CAIRN_RETURN_IF_ERROR(SyncDir(tmp_snap));
  CAIRN_RETURN_IF_ERROR(SyncDir(tmp_member));
  CAIRN_RETURN_IF_ERROR(SyncDir(tmp));

  // 4. An external WAL dir, then the data dir under its real name.
  if (!wal_inside) {
    std::vector<std::string> wal_created;
    st = MakeDirAll(wal_dir, &wal_created);
    undo.AddAll(wal_created);
    CAIRN_RETURN_IF_ERROR(st);
  }
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, data_dir.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST) return Status::Exists("data-dir " + GoQuote(data_dir) + " exists");
    return Status::FromErrno("rename " + tmp + " " + data_dir, errno);
  }
  undo.Add(data_dir);
  CAIRN_RETURN_IF_ERROR(SyncDir(Parent(data_dir)));
  undo.Commit();

  if (o.logger != nullptr) {
    for (const MemberRecord& m : cluster.members) {
      o.logger->Info(
          "added member",
          {logging::HexId("cluster-id", cluster.cluster_id), logging::String("local-member-id", "0"),
           logging::HexId("added-peer-id", m.id), logging::Strings("added-peer-peer-urls", m.peer_urls)});
    }
    o.logger->Info("restored snapshot",
                   {logging::String("path", o.snapshot_path), logging::String("wal-dir", wal_dir),
                    logging::String("data-dir", data_dir), logging::String("snap-dir", snap_dir)});
  }
  return Status::Ok();
}

}  // namespace cairn::snapshot
