# Developer entry points. Every target runs inside the active virtual environment (see CONTRIBUTING.md).
.PHONY: help install lint format typecheck imports test docs docs-check bench check

help:  ## list the targets
	@grep -E "^[a-z-]+:.*## " $(MAKEFILE_LIST) | sed -E "s/:.*## /\t/"

install:  ## editable install with the development tools
	pip install -e ".[dev]"

lint:  ## ruff lint and format check
	ruff check .
	ruff format --check .

format:  ## apply ruff formatting and safe fixes
	ruff check --fix .
	ruff format .

typecheck:  ## mypy on the whole package (strict on the core)
	mypy

imports:  ## import-linter layer contracts
	lint-imports

test:  ## the test suite
	python -m pytest

docs:  ## regenerate every generated doc and README block
	python scripts/regen.py

docs-check:  ## fail when a generated doc is stale
	python scripts/regen.py --check

bench:  ## start-up and scale benchmarks
	python benchmarks/startup.py
	python benchmarks/scale.py

check: lint typecheck imports test docs-check  ## everything CI runs
