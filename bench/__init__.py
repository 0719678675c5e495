"""Benchmarks with baselines measured in the same run. Each is run from the repo root as a
module (``python -m bench.run``, ``python -m bench.load_test`` ...), so it imports the app
(`layers`), the test harness (`tests.browser_support`, `tests.factories`) and the other
bench modules by their package names, with no path tricks."""
