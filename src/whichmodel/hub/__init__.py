"""Talking to the Hugging Face Hub: refresh the snapshot, discover candidates, read model cards.

Nothing here imports ``huggingface_hub`` at import time: the modules that talk to the Hub import it
inside their functions (it costs ~200 ms of start-up), and only the `hub` commands (and
`advise --discover`) call them. Reading the snapshot is :mod:`whichmodel.hub_snapshot` (stdlib only).

Modules:
- :mod:`whichmodel.hub.settings`: endpoint, token, timeouts and offline mode, read from the environment
  at call time; :class:`HubError`, the one exception the CLI turns into a sentence.
- :mod:`whichmodel.hub.families`: the family (encoder-only / decoder-only / encoder-decoder) from a
  config's ``architectures`` (pure).
- :mod:`whichmodel.hub.client`: the huggingface_hub client, configured (timeouts, telemetry off),
  error classification and a deadline runner.
- :mod:`whichmodel.hub.refresh`, :mod:`whichmodel.hub.discover`, :mod:`whichmodel.hub.card`.
- :mod:`whichmodel.hub.discovery`: `advise --discover` (the scope's Hub candidates the catalog lacks);
  :mod:`whichmodel.hub.to_catalog`: a discovered Hub model as an uncurated catalog model (pure).
"""
