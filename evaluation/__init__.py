"""NLU quality and safety evaluation: held-out data, runner, report and CI gate.

`python -m evaluation.run gate` checks the shipped model against the
targets; `python -m evaluation.run full` (`make evaluate`) also trains,
cross-validates, compares pipelines and rewrites reports/nlu-quality.md.
"""
