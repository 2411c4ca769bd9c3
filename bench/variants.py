"""What is compared: a model configuration and the way its server runs.

``baseline`` is what a team gets from `rasa init`: Rasa's default pipeline and
policies (the commented-out defaults of its config.yml) trained on this project's
data, domain and actions, served by the stock `rasa run` with one process.
``fast`` is the shipped config.yml served the project's way (ops.processes).
The others isolate single changes, so the report can say what each one gave.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rasa.engine.recipes
import yaml

from project import PROJECT_ROOT

RASA_DEFAULT_CONFIG = (
    Path(rasa.engine.recipes.__file__).parent / "config_files" / "default_config.yml"
)
SHIPPED_CONFIG = PROJECT_ROOT / "config.yml"
PROPOSALS = PROJECT_ROOT / "bench" / "configs"


@dataclass(frozen=True)
class Variant:
    """A model configuration and how its Rasa server is run."""

    name: str
    summary: str
    config: Path
    stock: bool  # served by Rasa's own `rasa run` without the project's runtime settings
    workers: int = 1  # Sanic workers; more than one runs with a Redis lock store
    env: tuple[tuple[str, str], ...] = ()  # extra environment of the Rasa server


def catalog(workers: int) -> dict[str, Variant]:
    """Every variant `BENCH_VARIANTS` may name; proposals come from bench/configs/*.yml."""
    fixed = [
        Variant(
            "baseline", "rasa init default config, stock `rasa run`", RASA_DEFAULT_CONFIG, True
        ),
        Variant("shipped-stock", "shipped config.yml, stock `rasa run`", SHIPPED_CONFIG, True),
        Variant(
            "fast",
            f"shipped config.yml, project runtime, {workers} Sanic worker(s)",
            SHIPPED_CONFIG,
            False,
            workers,
        ),
        Variant(
            "fast-tf-threads-1",
            "as fast, with TensorFlow thread pools of 1 (TF_*_PARALLELISM_THREADS)",
            SHIPPED_CONFIG,
            False,
            workers,
            (("TF_INTRA_OP_PARALLELISM_THREADS", "1"), ("TF_INTER_OP_PARALLELISM_THREADS", "1")),
        ),
        Variant(
            "fast-blas-threads-2",
            "as fast, with BLAS/OpenMP pools of 2 threads (the machine's default)",
            SHIPPED_CONFIG,
            False,
            workers,
            (("OPENBLAS_NUM_THREADS", "2"), ("OMP_NUM_THREADS", "2")),
        ),
        Variant(
            "fast-2w",
            "shipped config.yml, project runtime, 2 Sanic workers",
            SHIPPED_CONFIG,
            False,
            2,
        ),
    ]
    proposals = [
        Variant(
            f"proposed-{path.stem}", f"proposed {path.name}, project runtime", path, False, workers
        )
        for path in sorted(PROPOSALS.glob("*.yml"))
    ]
    return {variant.name: variant for variant in [*fixed, *proposals]}


def training_config(source: Path, target: Path, epochs: int | None) -> Path:
    """Write the config to train; with epochs set (smoke runs) every epochs value is capped.

    A smoke run only proves the harness works end to end, so its models may be untrained.
    """
    config = yaml.safe_load(source.read_text(encoding="utf-8"))
    if epochs is not None:
        for part in ("pipeline", "policies"):
            for component in config.get(part) or []:
                if "epochs" in component or component["name"] in EPOCH_DEFAULTS:
                    component["epochs"] = epochs
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return target


# Components that train for many epochs by default even when the config names none.
EPOCH_DEFAULTS = {"DIETClassifier", "ResponseSelector", "TEDPolicy", "UnexpecTEDIntentPolicy"}
