"""The domain: what a bank, an article, a grade and a statistic are.

Pure Python: bank parsing and checks (``banks``, ``bankcheck``, ``banklint``,
``safe_yaml``, ``tracked``), the article splitter (``article``), grading rules
(``grading``), Moodle's item statistics (``itemstats``), signal-detection scores
(``discernment``) and text rendering (``rendering``).

May import: the standard library, ``quiz.questions`` and parsing libraries.
Never Flask, SQLAlchemy, ``quiz.store`` or any web module (tests/test_layers.py).
"""
