"""The learned layer: candidates, features, the scorer, training and cross-validation."""
