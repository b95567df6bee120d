#include "storage/mvcc/key_index_reference.h"

#include <cassert>

namespace cairn::mvcc {

void ReferenceKeyIndex::Put(RevisionPair rev) {
  assert(rev > modified_ && "put with a smaller revision");
  if (generations_.empty()) generations_.emplace_back();
  Generation& g = generations_.back();
  if (g.revs.empty()) g.created = rev;
  g.revs.push_back(rev);
  ++g.version;
  modified_ = rev;
}

void ReferenceKeyIndex::Restore(RevisionPair created, RevisionPair modified, int64_t version) {
  assert(generations_.empty() && "restore into a non-empty key index");
  modified_ = modified;
  generations_.push_back(Generation{version, created, {modified}});
}

bool ReferenceKeyIndex::Tombstone(RevisionPair rev) {
  assert(!generations_.empty() && !IsEmpty() && "tombstone on an empty key index");
  if (generations_.back().empty()) return false;
  Put(rev);
  generations_.emplace_back();
  return true;
}

int ReferenceKeyIndex::FindGeneration(Revision at_rev) const {
  int last = static_cast<int>(generations_.size()) - 1;
  for (int i = last; i >= 0; --i) {
    const Generation& g = generations_[i];
    if (g.empty()) continue;
    // A finished generation whose tombstone is at or before at_rev: the key was deleted then.
    if (i != last && g.revs.back().main <= at_rev) return -1;
    if (g.revs.front().main <= at_rev) return i;
  }
  return -1;
}

bool ReferenceKeyIndex::Get(Revision at_rev, GetResult* out) const {
  int gi = FindGeneration(at_rev);
  if (gi < 0) return false;
  const Generation& g = generations_[gi];
  for (int n = static_cast<int>(g.revs.size()) - 1; n >= 0; --n) {
    if (g.revs[n].main <= at_rev) {
      out->modified = g.revs[n];
      out->created = g.created;
      out->version = g.version - static_cast<int64_t>(g.revs.size() - n - 1);
      return true;
    }
  }
  return false;
}

std::vector<RevisionPair> ReferenceKeyIndex::Since(Revision rev) const {
  RevisionPair since{rev, 0};
  size_t gi = generations_.size() - 1;
  for (; gi > 0; --gi) {
    const Generation& g = generations_[gi];
    if (g.empty()) continue;
    if (since > g.created) break;
  }
  std::vector<RevisionPair> revs;
  Revision last = 0;
  for (; gi < generations_.size(); ++gi) {
    for (const RevisionPair& r : generations_[gi].revs) {
      if (since > r) continue;
      if (r.main == last) {
        revs.back() = r;  // only the last sub-revision of a main revision matters
        continue;
      }
      revs.push_back(r);
      last = r.main;
    }
  }
  return revs;
}

void ReferenceKeyIndex::DoCompact(Revision at_rev, RevisionSet* available, size_t* gen_index, int* rev_index) const {
  size_t gi = 0;
  // Skip generations whose tombstone is at or before at_rev: nothing in them is needed.
  while (gi < generations_.size() - 1) {
    if (generations_[gi].revs.back().main > at_rev) break;
    ++gi;
  }
  const Generation& g = generations_[gi];
  int ri = -1;
  for (int n = static_cast<int>(g.revs.size()) - 1; n >= 0; --n) {
    if (g.revs[n].main <= at_rev) {
      available->insert(g.revs[n]);
      ri = n;
      break;
    }
  }
  *gen_index = gi;
  *rev_index = ri;
}

void ReferenceKeyIndex::Compact(Revision at_rev, RevisionSet* available) {
  assert(!generations_.empty() && !IsEmpty() && "compact on an empty key index");
  size_t gi = 0;
  int ri = -1;
  DoCompact(at_rev, available, &gi, &ri);
  Generation& g = generations_[gi];
  if (!g.empty()) {
    if (ri != -1) g.revs.erase(g.revs.begin(), g.revs.begin() + ri);
    // The only revision left is the tombstone of a finished generation: drop it too.
    if (g.revs.size() == 1 && gi != generations_.size() - 1) {
      available->erase(g.revs[0]);
      ++gi;
    }
  }
  generations_.erase(generations_.begin(), generations_.begin() + gi);
}

void ReferenceKeyIndex::Keep(Revision at_rev, RevisionSet* available) const {
  if (IsEmpty()) return;
  size_t gi = 0;
  int ri = -1;
  DoCompact(at_rev, available, &gi, &ri);
  const Generation& g = generations_[gi];
  if (!g.empty() && ri == static_cast<int>(g.revs.size()) - 1 && gi != generations_.size() - 1) {
    available->erase(g.revs[ri]);  // a tombstone is not kept
  }
}

}  // namespace cairn::mvcc
