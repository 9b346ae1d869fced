"""answer.incomplete: the question list's "answered, not completely" as a column

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 20:20:00.000000

Until now the question list of every question page read each answer's ``grade``
JSON for its "incomplete" words (``answers.answer_values``): a JSON document parsed
per answer per page. The flag now has a column of its own, set with the answer;
existing answers get it from their grade here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("incomplete", sa.Boolean(), server_default="0", nullable=False)
        )
    fill_incomplete(op.get_bind())


def fill_incomplete(conn: sa.Connection) -> None:
    """Flag the answers whose grade keeps "incomplete" words (a JSON path on both
    databases: SQLite ``json_extract``, PostgreSQL ``->>``)."""
    answer = sa.table(
        "answer", sa.column("incomplete", sa.Boolean()), sa.column("grade", sa.JSON())
    )
    conn.execute(
        answer.update()
        .where(answer.c.grade["incomplete"].as_string().is_not(None))
        .values(incomplete=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_column("incomplete")
