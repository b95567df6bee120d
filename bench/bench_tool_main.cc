// Stand-alone `cairn bench` for tests and manual runs (the product binary dispatches
// `cairn bench ...` to BenchMain itself).
#include "bench/bench_main.h"

int main(int argc, char** argv) { return cairn::bench::BenchMain(argc, argv); }
