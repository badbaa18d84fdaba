from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = SHARED / "eval" / "dev.jsonl"


@pytest.fixture(scope="session")
def nlp():
    from kg.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def rules_nlp():
    """The pipeline without the trained scorer: the hand rules, which are now features of the scorer."""
    from kg.pipeline import load_pipeline

    return load_pipeline(None, False)


@pytest.fixture(scope="session")
def dev_path():
    if not DEV.exists():
        pytest.skip("../shared/eval/dev.jsonl is not here")
    return DEV
