"""Process management for running the assistant locally, in tests and benchmarks."""
