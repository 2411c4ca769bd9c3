"""NLU quality and safety evaluation: held-out data, runner, report and CI gate.

`python -m tests.evaluation.run gate` checks the shipped model against the
targets; `python -m tests.evaluation.run full` (`make evaluate`) also trains,
cross-validates, compares pipelines and rewrites reports/nlu-quality.md.
"""
