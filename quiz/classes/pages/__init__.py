"""The teacher's blueprint: its pages for classes and students (``views``) and for
assignments and their results (``assignment_views``)."""

from quiz.classes.pages import assignment_views, views  # noqa: F401  (register the pages)
from quiz.classes.pages.blueprint import bp

__all__ = ["bp"]
