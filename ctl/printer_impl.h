// The five printers behind NewPrinter (printer.h); one file each. Internal to ctl/.
#pragma once

#include <memory>
#include <string>

#include "ctl/printer.h"

namespace cairn::ctl {

std::unique_ptr<Printer> NewSimplePrinter(bool is_hex);
std::unique_ptr<Printer> NewJsonPrinter(bool is_hex);
std::unique_ptr<Printer> NewProtobufPrinter();
std::unique_ptr<Printer> NewTablePrinter();
std::unique_ptr<Printer> NewFieldsPrinter();

// Go's strconv.Quote (fmt's %q of a string).
std::string GoQuote(const std::string& s);

}  // namespace cairn::ctl
