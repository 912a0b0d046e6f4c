"""server-side sessions and hashed log-in throttles

Sessions: the cookie now carries a token whose SHA-256 is a row of ``user_sessions``; a
session lives while its row does (log-out, password change, disabled account, idle timeout
and absolute lifetime end it), so that a copied cookie opens nothing after log-out.

Log-in throttles: counted under keyed hashes (account + client address, client address,
account) instead of the address as typed, which could be a password typed in the wrong
field. The counters are transient (a lockout lasts minutes): the table is recreated empty,
and everybody signed in before the upgrade signs in again (their cookies hold no token).

Revision ID: 179d087cc4b9
Revises: 135c6e6381d0
Create Date: 2026-12-06 17:53:07

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "179d087cc4b9"
down_revision = "135c6e6381d0"
branch_labels = None
depends_on = None


def _throttles(key: str, length: int) -> None:
    op.create_table(
        "login_throttles",
        sa.Column(key, sa.String(length=length), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint(key, name=op.f("pk_login_throttles")),
    )


def upgrade():
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "end_reason",
            sa.Enum(
                "logout",
                "idle",
                "expired",
                "password_changed",
                "account_changed",
                name="sessionend",
                native_enum=False,
                create_constraint=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    op.create_index(op.f("ix_user_sessions_user_id"), "user_sessions", ["user_id"])
    op.drop_table("login_throttles")
    _throttles("key", 80)


def downgrade():
    op.drop_table("login_throttles")
    _throttles("email", 254)
    op.drop_index(op.f("ix_user_sessions_user_id"), table_name="user_sessions")
    op.drop_table("user_sessions")
