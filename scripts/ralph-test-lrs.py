"""Ralph's LRS with its file backend, for workshop's tests and benchmarks.

    ralph-test-lrs.py DATA_DIR PORT        (RALPH_AUTH_FILE names the credentials file)

This is what `ralph runserver -b fs --fs-default-directory-path DATA_DIR -h 127.0.0.1 -p PORT`
starts, with two differences. It runs one process, without the development reloader, so a test
can kill it at once. And the file backend appends: as released (ralph-malph 4.x and 5.1.0), it
writes statements with the `create` operation, which refuses to write to a statements file that
already exists, so every POST after the first one fails with a 500. `append` is the backend's
own mode for adding to a file; nothing else about the LRS changes.
"""

import os
import sys

data_dir, port = sys.argv[1], int(sys.argv[2])
os.environ["RALPH_RUNSERVER_BACKEND"] = "fs"
os.environ["RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH"] = data_dir

import uvicorn  # noqa: E402
from ralph.backends.data.base import BaseOperationType  # noqa: E402
from ralph.backends.lrs.fs import FSLRSBackend  # noqa: E402

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

uvicorn.run("ralph.api:app", host="127.0.0.1", port=port, log_level="warning")
