"""`python -m pygbox_worker.train --config <run.json> [--resume auto|<checkpoint-dir>]`

Exit codes: 0 done, 1 error (after an `error` event), 130 interrupted (after a checkpoint and an
`interrupted` event).
"""

from __future__ import annotations

import argparse
import sys
import traceback

from .. import events
from .config import ConfigError, load_run_config


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pygbox_worker.train")
    parser.add_argument("--config", required=True, help="the resolved run config (run-config.json)")
    parser.add_argument(
        "--resume", default=None, help="auto (newest complete checkpoint in output_dir) or a checkpoint folder"
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    arguments = parse_arguments(argv)
    try:
        config = load_run_config(arguments.config)
    except ConfigError as bad:
        events.error(str(bad), bad.hint, bad.field)
        return 1
    # torch and transformers take seconds to import: only once the config is known to be good.
    from .checkpoint import CheckpointError
    from .distributed import close_processes, init_processes
    from .model import ModelError
    from .run import StopRequest, Trainer

    stop = StopRequest()
    stop.install()  # before the slow setup, so an early Ctrl-C still ends in a clean exit
    processes = init_processes()
    try:
        return Trainer(config, processes, arguments.resume).train(stop)
    except (ConfigError, ModelError) as bad:
        events.error(str(bad), bad.hint, bad.field)
        return 1
    except CheckpointError as bad:
        events.error(str(bad), bad.hint, None)
        return 1
    except Exception as crash:  # noqa: BLE001 - anything else still ends in an error event, with the trace on stderr
        events.log(traceback.format_exc())
        events.error(f"training failed: {type(crash).__name__}: {crash}", "see the worker's log above", None)
        return 1
    finally:
        close_processes(processes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
