"""Thin entry point for `make bench`: the benchmark lives in digest.bench."""

from digest.bench import main

raise SystemExit(main())
