"""The second, independently written gold set (data/more_gold.jsonl): consistent, and kg scores on it."""

import subprocess
import sys
from pathlib import Path

from kg.learn.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "data" / "more_gold.jsonl"


def test_more_gold_is_consistent():
    done = subprocess.run([sys.executable, str(ROOT / "data" / "check_more_gold.py")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_kg_scores_on_the_independent_set(nlp):
    report = evaluate(GOLD, nlp=nlp)
    scores = report.scores()
    assert scores["overall"]["f1"] >= 0.7
    assert scores["exclusive-with"]["f1"] >= 0.7
    assert report.to_dict()["status_accuracy"] >= 0.8
