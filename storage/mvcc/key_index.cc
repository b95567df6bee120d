#include "storage/mvcc/key_index.h"

#include <cassert>
#include <cstdint>
#include <utility>

namespace cairn::mvcc {
namespace {

using Generations = std::vector<Generation>;

// Index of the generation holding at_rev, or -1.
int FindGeneration(const Generations& gens, Revision at_rev) {
  int last = static_cast<int>(gens.size()) - 1;
  for (int i = last; i >= 0; --i) {
    const Generation& g = gens[i];
    if (g.empty()) continue;
    // A finished generation whose tombstone is at or before at_rev: the key was deleted then.
    if (i != last && g.revs.back().main <= at_rev) return -1;
    if (g.revs.front().main <= at_rev) return i;
  }
  return -1;
}

// Shared by Compact and Keep: the first generation to keep and the index in it of the revision
// to keep (-1: none <= at_rev); that revision is added to *available.
void DoCompact(const Generations& gens, Revision at_rev, RevisionSet* available, size_t* gen_index,
               int* rev_index) {
  size_t gi = 0;
  // Skip generations whose tombstone is at or before at_rev: nothing in them is needed.
  while (gi < gens.size() - 1) {
    if (gens[gi].revs.back().main > at_rev) break;
    ++gi;
  }
  const Generation& g = gens[gi];
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

}  // namespace

static_assert(sizeof(KeyIndex) == 32, "a KeyIndex is a 32-byte TreeIndex map value");

namespace {
constexpr int64_t kHeapForm = -1;  // version_ of the heap form

bool FitsSub(int64_t sub) { return sub >= 0 && sub <= static_cast<int64_t>(UINT32_MAX); }
}  // namespace

KeyIndex::KeyIndex(const KeyIndex& other)
    : created_main_(other.created_main_),
      rev_main_(other.rev_main_),
      version_(other.version_),
      created_sub_(other.created_sub_),
      rev_sub_(other.rev_sub_) {
  if (version_ < 0) history_ = new Generations(*other.history_);
}

KeyIndex::KeyIndex(KeyIndex&& other) noexcept : created_main_(0) { MoveFrom(other); }

KeyIndex& KeyIndex::operator=(const KeyIndex& other) {
  if (this != &other) *this = KeyIndex(other);
  return *this;
}

KeyIndex& KeyIndex::operator=(KeyIndex&& other) noexcept {
  if (this != &other) {
    Reset();
    MoveFrom(other);
  }
  return *this;
}

KeyIndex::~KeyIndex() { Reset(); }

void KeyIndex::MoveFrom(KeyIndex& other) {
  created_main_ = other.created_main_;  // or history_: the same bytes
  rev_main_ = other.rev_main_;
  version_ = other.version_;
  created_sub_ = other.created_sub_;
  rev_sub_ = other.rev_sub_;
  other.created_main_ = 0;
  other.version_ = 0;
}

void KeyIndex::Reset() {
  if (version_ < 0) delete history_;
  created_main_ = 0;
  version_ = 0;
}

void KeyIndex::SetSingle(RevisionPair created, RevisionPair rev, int64_t version) {
  assert(version_ >= 0);
  if (version > 0 && FitsSub(created.sub) && FitsSub(rev.sub)) {
    created_main_ = created.main;
    created_sub_ = static_cast<uint32_t>(created.sub);
    rev_main_ = rev.main;
    rev_sub_ = static_cast<uint32_t>(rev.sub);
    version_ = version;
    return;
  }
  history_ = new Generations{Generation{version, created, {rev}}};
  version_ = kHeapForm;
}

std::vector<Generation>& KeyIndex::MutableHistory() {
  if (version_ < 0) return *history_;
  auto* gens = new Generations();
  if (version_ > 0) {
    gens->reserve(2);  // the next step is usually a second revision or a tombstone's new generation
    gens->push_back(Generation{version_, RevisionPair{created_main_, created_sub_},
                               {RevisionPair{rev_main_, rev_sub_}}});
  }
  history_ = gens;
  version_ = kHeapForm;
  return *gens;
}

void KeyIndex::MaybeInline() {
  if (version_ >= 0) return;
  const Generations& gens = *history_;
  if (gens.size() != 1 || gens[0].revs.size() != 1) return;
  const Generation& g = gens[0];
  if (g.version <= 0 || !FitsSub(g.created.sub) || !FitsSub(g.revs[0].sub)) return;
  const Generation kept = g;
  delete history_;
  version_ = 0;
  SetSingle(kept.created, kept.revs[0], kept.version);
}

RevisionPair KeyIndex::modified() const {
  if (version_ > 0) return RevisionPair{rev_main_, rev_sub_};
  if (version_ == 0) return RevisionPair{};
  for (auto it = history_->rbegin(); it != history_->rend(); ++it) {
    if (!it->empty()) return it->revs.back();
  }
  return RevisionPair{};
}

std::vector<Generation> KeyIndex::generations() const {
  if (version_ > 0) {
    return {Generation{version_, RevisionPair{created_main_, created_sub_}, {RevisionPair{rev_main_, rev_sub_}}}};
  }
  if (version_ == 0) return {};
  return *history_;
}

bool KeyIndex::IsEmpty() const { return version_ < 0 && history_->size() == 1 && (*history_)[0].empty(); }

void KeyIndex::Put(RevisionPair rev) {
  assert(rev > modified() && "put with a smaller revision");
  if (version_ == 0) {
    SetSingle(rev, rev, 1);
    return;
  }
  Generations& gens = MutableHistory();
  if (gens.empty()) gens.emplace_back();
  Generation& g = gens.back();
  if (g.revs.empty()) g.created = rev;
  g.revs.push_back(rev);
  ++g.version;
}

void KeyIndex::Restore(RevisionPair created, RevisionPair modified, int64_t version) {
  assert(version_ == 0 && "restore into a non-empty key index");
  SetSingle(created, modified, version);
}

bool KeyIndex::Tombstone(RevisionPair rev) {
  assert(version_ != 0 && !IsEmpty() && "tombstone on an empty key index");
  if (version_ < 0 && history_->back().empty()) return false;
  Put(rev);
  MutableHistory().emplace_back();
  return true;
}

bool KeyIndex::Get(Revision at_rev, GetResult* out) const {
  if (version_ > 0) {
    if (rev_main_ > at_rev) return false;
    out->modified = RevisionPair{rev_main_, rev_sub_};
    out->created = RevisionPair{created_main_, created_sub_};
    out->version = version_;
    return true;
  }
  if (version_ == 0) return false;
  const Generations& gens = *history_;
  int gi = FindGeneration(gens, at_rev);
  if (gi < 0) return false;
  const Generation& g = gens[gi];
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

std::vector<RevisionPair> KeyIndex::Since(Revision rev) const {
  RevisionPair since{rev, 0};
  if (version_ > 0) {
    const RevisionPair only{rev_main_, rev_sub_};
    if (since > only) return {};
    return {only};
  }
  if (version_ == 0) return {};
  const Generations& gens = *history_;
  size_t gi = gens.size() - 1;
  for (; gi > 0; --gi) {
    const Generation& g = gens[gi];
    if (g.empty()) continue;
    if (since > g.created) break;
  }
  std::vector<RevisionPair> revs;
  Revision last = 0;
  for (; gi < gens.size(); ++gi) {
    for (const RevisionPair& r : gens[gi].revs) {
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

void KeyIndex::Compact(Revision at_rev, RevisionSet* available) {
  assert(version_ != 0 && !IsEmpty() && "compact on an empty key index");
  if (version_ > 0) {
    // One live generation with one revision: it is kept whatever at_rev is.
    if (rev_main_ <= at_rev) available->insert(RevisionPair{rev_main_, rev_sub_});
    return;
  }
  Generations& gens = *history_;
  size_t gi = 0;
  int ri = -1;
  DoCompact(gens, at_rev, available, &gi, &ri);
  Generation& g = gens[gi];
  if (!g.empty()) {
    if (ri != -1) g.revs.erase(g.revs.begin(), g.revs.begin() + ri);
    // The only revision left is the tombstone of a finished generation: drop it too.
    if (g.revs.size() == 1 && gi != gens.size() - 1) {
      available->erase(g.revs[0]);
      ++gi;
    }
  }
  gens.erase(gens.begin(), gens.begin() + gi);
  MaybeInline();
  if (version_ < 0) {
    // Give back what the dropped history used.
    for (Generation& kept : gens) kept.revs.shrink_to_fit();
    gens.shrink_to_fit();
  }
}

void KeyIndex::Keep(Revision at_rev, RevisionSet* available) const {
  if (version_ > 0) {
    if (rev_main_ <= at_rev) available->insert(RevisionPair{rev_main_, rev_sub_});
    return;
  }
  if (version_ == 0 || IsEmpty()) return;
  const Generations& gens = *history_;
  size_t gi = 0;
  int ri = -1;
  DoCompact(gens, at_rev, available, &gi, &ri);
  const Generation& g = gens[gi];
  if (!g.empty() && ri == static_cast<int>(g.revs.size()) - 1 && gi != gens.size() - 1) {
    available->erase(g.revs[ri]);  // a tombstone is not kept
  }
}

}  // namespace cairn::mvcc
