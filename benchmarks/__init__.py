"""Benchmark commands (`manage.py bench_queue`, `bench_statistics`, `bench_spatial`,
`bench_submission`, `bench_reading`), apart from the commands an operator runs."""
