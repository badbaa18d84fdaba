"""Stage 1, reading: documents from folders, files, JSON Lines, saved web pages and stdin; encodings; skips."""
