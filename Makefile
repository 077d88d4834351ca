# Every target sets up .venv itself on a fresh clone (pip takes torch from local disk).
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
JOBS   ?= 2

.PHONY: setup test grade student handouts dist zips bench clean

# The tools from requirements.txt, then the grader itself (editable: the checkout is the package).
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)

# The repo's own tests: graders right (solutions full, stubs zero, mutants lose points), zips, template in sync.
test: $(STAMP)
	$(PY) -m pytest tests -n $(JOBS)

# The main job: grade the bundled sample submissions of every assignment.
grade: $(STAMP)
	$(PY) -m autograder samples --out results

student: $(STAMP)
	$(PY) -m autograder student

# The grader as a wheel and an sdist in dist/, built offline: what students install.
dist: $(STAMP)
	rm -f dist/dl_homework_grader-*
	$(PY) -m build --no-isolation --outdir dist . > /dev/null
	@ls dist/dl_homework_grader-*

# dist/<hw>-student.zip: the assignment folder a student is handed, with the wheel inside.
handouts: $(STAMP)
	$(PY) -m autograder handouts --out-dir dist

zips: $(STAMP)
	for hw in $$(ls solutions); do $(PY) -m autograder zip $$hw --out-dir dist || exit 1; done

bench: $(STAMP)
	$(PY) -m autograder.verbs.bench

clean:
	rm -rf results dist build *.egg-info .pytest_cache .venv-cpu
