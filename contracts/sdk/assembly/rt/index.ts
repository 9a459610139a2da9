// Gasket's AssemblyScript runtime (passed to asc as `--runtime`): the stub runtime's bump allocator (never frees;
// every call starts from a fresh instance anyway), with the heap offset set on first use instead of in a start
// function, so contracts compile without a start section (metering rejects one).
import "./bump";
