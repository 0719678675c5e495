"""`python -m layers.extra --worker …`: the isolated reader process for a large upload."""

import sys

from layers.extra.read import worker_main

if sys.argv[1:2] == ["--worker"]:
    sys.exit(worker_main(sys.argv[2:]))
sys.exit("usage: python -m layers.extra --worker LABEL MEMORY_BYTES LIMIT_BYTES [PATH]")
