"""Load and fault tests: the app under gunicorn, many simulated students at once."""
