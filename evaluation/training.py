"""Seeded, timed training runs for the evaluation: pipelines, repeat run, cross-validation.

Every training goes through the `rasa` command line with --force (no cache
reuse), so the times and the reproducibility check measure real trainings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import rasa
import yaml

from project import PROJECT_ROOT

RASA = Path(sys.executable).parent / "rasa"
SHIPPED_CONFIG = PROJECT_ROOT / "config.yml"
SPACY_PIPELINE = Path(__file__).resolve().parent / "pipelines" / "spacy.yml"
RASA_DEFAULT_CONFIG = Path(rasa.__file__).parent / "engine/recipes/config_files/default_config.yml"
SEEDED = ("DIETClassifier", "ResponseSelector")
RED_FLAG_COMPONENT = "components.red_flags.RedFlagDetector"
WORD_EMBEDDINGS = "components.word_embeddings.WordEmbeddingFeaturizer"
WITHOUT_EMBEDDINGS = "shipped-without-word-embeddings"
# TensorFlow runs its ops deterministically, so one seed gives one model.
DETERMINISM_ENV = {"TF_DETERMINISTIC_OPS": "1", "PYTHONHASHSEED": "0"}
# Trainings run in parallel (and next to other people's): a shared training cache
# races on its SQLite journal, and --force never reads it anyway, so it is off.
NO_CACHE_ENV = {"RASA_MAX_CACHE_SIZE": "0"}


def training_env() -> dict[str, str]:
    return {**os.environ, **DETERMINISM_ENV, **NO_CACHE_ENV}


def shipped_seed() -> int:
    """The DIETClassifier random_seed of config.yml, reused for every pipeline."""
    pipeline = yaml.safe_load(SHIPPED_CONFIG.read_text())["pipeline"]
    return next(int(c["random_seed"]) for c in pipeline if c["name"] == "DIETClassifier")


def _comparable(pipeline: list[dict], seed: int) -> list[dict]:
    """Same seed and the same red-flag layer as the shipped pipeline."""
    seeded = [{**c, "random_seed": seed} if c["name"] in SEEDED else c for c in pipeline]
    if all(c["name"] != RED_FLAG_COMPONENT for c in seeded):
        seeded.append({"name": RED_FLAG_COMPONENT})
    return seeded


def pipeline_configs(out_dir: Path) -> dict[str, Path]:
    """config.yml variants that differ from the shipped one only in the NLU pipeline."""
    shipped = yaml.safe_load(SHIPPED_CONFIG.read_text())
    seed = shipped_seed()
    pipelines = {
        "rasa-default": yaml.safe_load(RASA_DEFAULT_CONFIG.read_text())["pipeline"],
        "spacy": yaml.safe_load(SPACY_PIPELINE.read_text()),
        # The shipped pipeline with DIET's default transformer, to measure what it adds.
        "shipped-with-transformer": [
            {**c, "number_of_transformer_layers": 2} if c["name"] == "DIETClassifier" else c
            for c in shipped["pipeline"]
        ],
        # The shipped pipeline without the pre-trained word embeddings: are they worth it?
        WITHOUT_EMBEDDINGS: [c for c in shipped["pipeline"] if c["name"] != WORD_EMBEDDINGS],
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    configs = {}
    for name, pipeline in pipelines.items():
        path = out_dir / f"config-{name}.yml"
        path.write_text(yaml.safe_dump({**shipped, "pipeline": _comparable(pipeline, seed)}))
        configs[name] = path
    configs["shipped"] = SHIPPED_CONFIG
    return configs


@dataclass(frozen=True)
class Training:
    """A trained model, its wall-clock time and its CPU time (less load-dependent)."""

    model: Path
    seconds: float
    cpu_seconds: float


def _run(command: list[str]) -> tuple[float, float]:
    """Run a rasa command to completion; return its wall and CPU seconds."""
    start = time.monotonic()
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=training_env())
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return time.monotonic() - start, usage.ru_utime + usage.ru_stime


def train(config: Path, out_dir: Path, name: str) -> Training:
    """Train a full model (NLU and dialogue) with one config, from scratch."""
    wall, cpu = _run(
        [
            str(RASA),
            "train",
            "--config",
            str(config),
            "--out",
            str(out_dir),
            "--fixed-model-name",
            name,
            "--force",
            "--quiet",
        ]
    )
    return Training(out_dir / f"{name}.tar.gz", wall, cpu)


def cross_validate(out_dir: Path, config: Path = SHIPPED_CONFIG, folds: int = 5) -> dict:
    """`rasa test nlu --cross-validation` on data/nlu.yml; returns the intent report."""
    _run(
        [
            str(RASA),
            "test",
            "nlu",
            "--nlu",
            "data/nlu.yml",
            "--config",
            str(config),
            "--cross-validation",
            "--folds",
            str(folds),
            "--out",
            str(out_dir),
        ]
    )
    return json.loads((out_dir / "intent_report.json").read_text())
