"""Runtime speed-ups of the Rasa server, each measured by `make bench` (docs/performance.md).

They change how Rasa runs, never what it answers (tests/bench/test_speedups.py compares
the answers with and without them). ops.rasa_main installs them before Rasa starts:

* Models load without tracing a training step. Rasa's RasaModel.load runs
  ``model.fit`` on one example only to create the variables before restoring the
  trained weights; tracing that training graph (with gradients, for DIET's CRF too)
  was about 3/4 of the server's start-up. Running the loss once eagerly creates the
  same variables at a fraction of the cost; the optimizer, which inference never
  uses, is simply not restored.
* One kept-alive HTTP session per endpoint and event loop. Rasa opens (and closes)
  a new aiohttp ClientSession, so a new TCP connection, for every action call.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

import aiohttp
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.models import RasaModel

_stock_load = RasaModel.load.__func__
_stock_session = EndpointConfig.session


def load_for_inference(
    cls: type[RasaModel],
    model_file_name: str,
    model_data_example: Any,
    predict_data_example: Any = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """RasaModel.load without the traced training step (see module docstring).

    Fine-tuning needs the optimizer state, so it keeps Rasa's own path.
    """
    if finetune_mode:
        return _stock_load(
            cls, model_file_name, model_data_example, predict_data_example, True, *args, **kwargs
        )
    model = cls(*args, **kwargs)
    batch, _ = RasaBatchDataGenerator(model_data_example, batch_size=1)[0]
    model._training = True  # the loss path builds every layer, prediction-only ones too
    model.batch_loss(batch)
    model._training = False
    model.load_weights(model_file_name).expect_partial()
    if predict_data_example:
        model.run_inference(predict_data_example)
    return model


class KeptSession:
    """Stands in for ``async with endpoint.session()``: yields a shared session, keeps it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *_: object) -> None:
        return None


def kept_session(endpoint: EndpointConfig) -> KeptSession:
    """The endpoint's session for the running event loop, created on first use."""
    loop = asyncio.get_running_loop()
    sessions = endpoint.__dict__.setdefault("_kept_sessions", weakref.WeakKeyDictionary())
    session = sessions.get(loop)
    if session is None or session.closed:
        session = sessions[loop] = _stock_session(endpoint)
    return KeptSession(session)


def install() -> None:
    """Apply every speed-up; idempotent, and a no-op outside a Rasa server process."""
    RasaModel.load = classmethod(load_for_inference)  # type: ignore[method-assign]
    EndpointConfig.session = kept_session  # type: ignore[method-assign,assignment]


def uninstall() -> None:
    """Rasa as shipped again (tests compare both in one process)."""
    RasaModel.load = classmethod(_stock_load)  # type: ignore[method-assign]
    EndpointConfig.session = _stock_session  # type: ignore[method-assign]
