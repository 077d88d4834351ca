# Every target sets up .venv itself on a fresh clone (pip takes torch from local disk).
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
JOBS   ?= 2

.PHONY: setup test grade student zips bench clean

$(STAMP): requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
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

zips: $(STAMP)
	for hw in $$(ls solutions); do $(PY) -m autograder zip $$hw --out-dir dist || exit 1; done

bench: $(STAMP)
	$(PY) -m autograder.bench

clean:
	rm -rf results dist .pytest_cache
