"""Answer-preserving speed-ups of Rasa's server (patches.py) and the `rasa` command that
installs them (rasa_main.py), with the differential tests beside them (test_speedups.py).

They change how Rasa runs, never what it answers; docs/performance.md has the measurements.
"""
