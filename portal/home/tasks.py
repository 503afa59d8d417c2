"""Operations run by the worker on beat's schedule."""

import logging
import subprocess
import sys

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


@shared_task(name="portal.home.tasks.run_backup")
def run_backup() -> str:
    """The scheduled backup (BACKUP_CRON): scripts/backup.py with the worker's environment, which holds the
    database URL, MEDIA_ROOT, the backup key, the bucket and BACKUP_KEEP. A failure is an error in the log (and in
    Sentry), never silent."""
    done = subprocess.run([sys.executable, str(settings.BASE_DIR / "scripts" / "backup.py"), "backup"],
                          capture_output=True, text=True, timeout=settings.BACKUP_TIMEOUT_SECONDS)
    if done.returncode != 0:
        logger.error("scheduled backup failed: %s", done.stderr.strip()[-2000:])
        raise RuntimeError(f"backup failed: {done.stderr.strip()[-500:]}")
    logger.info("scheduled backup: %s", done.stdout.strip())
    return done.stdout.strip()
