"""record the import profile a submission was read with and how its measures were derived

Revision ID: 4c1d2e7f9a10
Revises: 3bb76d9872a5
Create Date: 2026-12-04 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4c1d2e7f9a10'
down_revision = '3bb76d9872a5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('profile', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('derived', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('derived')
        batch_op.drop_column('profile')
