// olekukonko/tablewriter as etcdctl 3.5 configures it: headers upper-cased (Title) and centred,
// cells right-aligned, borders of '+', '-' and '|', cells longer than 30 columns wrapped at
// spaces (greedy; tablewriter minimises raggedness, which differs only for cells > 30 columns
// with several spaces, e.g. long error texts).
#pragma once

#include <string>
#include <vector>

namespace cairn::ctl {

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

}  // namespace cairn::ctl
