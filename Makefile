# torchbridge: `make demo` and `make test` work as the first command on a
# fresh Debian 12 machine: they install what is missing, then run.

PKG_FILES := DESCRIPTION NAMESPACE $(shell find R src inst man -type f \
  -not -name '*.o' -not -name '*.so' -not -path '*/__pycache__/*' 2>/dev/null)
# The main report last: its path is the last line `make demo` prints.
DEMO_RMD := vignettes/python-chunks.Rmd vignettes/gpu-report.Rmd

.PHONY: all setup test demo bench soak check check-memory check-gpu-logic document readme lint check-generated clean

all: test

# Debian's R and R packages (only what is missing).
.stamp-system: tools/setup-system.sh
	bash tools/setup-system.sh
	@touch $@

# The package, installed from this checkout when a source file changed.
.stamp-install: .stamp-system $(PKG_FILES)
	R CMD INSTALL --no-multiarch . > .stamp-install.log 2>&1 || { cat .stamp-install.log; exit 1; }
	@rm -f src/*.o src/*.so
	@touch $@

# The r-torchbridge virtualenv through install_torch(); quick when present.
# Always run, so every test run goes through the real install path. pip's
# output goes to .stamp-python.log; only the script's "setup: " lines show,
# and on a failure the end of the log.
setup: .stamp-install
	@{ Rscript tools/setup-python.R .stamp-python 2>&1; echo "setup-status: $$?"; } | tee .stamp-python.log | sed -un 's/^setup: //p'
	@grep -qx 'setup-status: 0' .stamp-python.log || { echo "Setting up Python failed. The end of .stamp-python.log, which has all of pip's output:"; grep -v '^setup' .stamp-python.log | tail -n 15; exit 1; }

test: setup
	@bash tools/run-tests.sh

demo: setup
	@Rscript tools/render-demo.R $(DEMO_RMD)

bench: setup
	@Rscript bench/bench.R
	@Rscript bench/files.R
	@Rscript bench/verbs.R
	@Rscript bench/devices.R
	@Rscript bench/soak.R

# 10,000 round trips; fails when the process grows by more than 5%.
soak: setup
	@Rscript bench/soak.R

# The data path under gctorture(TRUE) and under valgrind memcheck (slow;
# see the README's development section).
check-memory: setup
	@bash tools/check-memory.sh

# The device tests on torch's device rules modelled over CPU tensors
# (tests/python/fake_devices.py), including the ones that break the design
# on purpose and check that the tests fail; no GPU needed.
check-gpu-logic: setup
	@"$$(tail -n 1 .stamp-python)" -m pytest -q -p no:cacheprovider tests/python/test_device_transfers.py tests/python/test_devices.py

# R CMD build, then R CMD check of the tarball in a temporary folder; fails
# on an ERROR or WARNING.
check: setup
	@bash tools/check.sh

# man/ and NAMESPACE from the roxygen comments; README.md from README.Rmd.
document: .stamp-system
	Rscript -e 'roxygen2::roxygenise(load_code = "source")'

readme: setup
	Rscript -e 'rmarkdown::render("README.Rmd", quiet = TRUE)'
	@rm -f README.html

# Fails when man/, NAMESPACE or README.md are not what `make document` and
# `make readme` make of the sources.
check-generated: setup
	@bash tools/check-generated.sh

# ruff and mypy for the bundled Python (ruff.toml, mypy.ini), lintr for R
# (.lintr; see tools/lint-r.R).
LINT_VENV := .lint-venv
$(LINT_VENV)/.done: tools/lint-requirements.txt
	python3 -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/pip install -q -r tools/lint-requirements.txt > $(LINT_VENV).log 2>&1 || { cat $(LINT_VENV).log; exit 1; }
	@touch $@

lint: .stamp-system $(LINT_VENV)/.done
	$(LINT_VENV)/bin/ruff check inst/python tests/python
	$(LINT_VENV)/bin/mypy --config-file mypy.ini --python-executable "$$(tail -n 1 .stamp-python 2>/dev/null || command -v python3)"
	Rscript tools/lint-r.R

clean:
	rm -rf .stamp-* .lint-venv .lint-venv.log demo torchbridge.Rcheck torchbridge_*.tar.gz src/*.o src/*.so
