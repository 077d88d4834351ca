"""`python -m autograder.sandbox PLAN` runs the launcher (the engine starts it so);
`python -m autograder.sandbox --check` prints what the sandbox gives here."""

import json
import sys

from . import check, launch

if sys.argv[1:] == ["--check"]:
    print(json.dumps(check(), indent=2))
else:
    launch(json.loads(sys.argv[1]))
