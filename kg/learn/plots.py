"""Plots of a cross-validation: reliability curve and precision/recall against the threshold."""

from __future__ import annotations

from pathlib import Path

from kg.learn.run import CVReport


def threshold_curve(report, thresholds=None) -> list[dict]:
    """Precision and recall of the cross-validated edges kept at each confidence threshold."""
    thresholds = thresholds or [i / 20 for i in range(20)]
    return report.curve(thresholds)


def plot_cv(cv: CVReport, path: str | Path) -> Path:
    """Write a PNG: left, observed precision per confidence bin against the diagonal; right, P/R by threshold."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
    rows = [r for r in cv.reliability if r["edges"]]
    left.plot([0, 1], [0, 1], color="#999", linestyle="--", linewidth=1, label="perfect calibration")
    left.plot([r["mean_confidence"] for r in rows], [r["precision"] for r in rows], marker="o", color="#1f6feb",
              label="observed precision")
    for r in rows:
        left.annotate(str(r["edges"]), (r["mean_confidence"], r["precision"]), textcoords="offset points",
                      xytext=(4, -10), fontsize=8, color="#555")
    left.set(xlim=(0, 1), ylim=(0, 1.02), xlabel="confidence (bin mean)", ylabel="precision",
             title=f"Reliability ({cv.folds}-fold CV; labels: edges per bin)")
    left.legend(loc="upper left", fontsize=8)
    curve = threshold_curve(cv.unthresholded or cv.report)
    xs = [r["threshold"] for r in curve]
    right.plot(xs, [r["precision"] for r in curve], label="precision", color="#1f6feb")
    right.plot(xs, [r["recall"] for r in curve], label="recall", color="#d1242f")
    right.set(xlim=(0, 1), ylim=(0, 1.02), xlabel="confidence threshold", title="Precision and recall above a threshold")
    right.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
