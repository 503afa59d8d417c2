import gettext
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.accounts.models import Membership, Organization, Role, User

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_covers_every_role(settings):
    settings.DEBUG = True
    call_command("load_demo")
    counts = (User.objects.count(), Organization.objects.count(), Membership.objects.count())
    call_command("load_demo")
    assert (User.objects.count(), Organization.objects.count(), Membership.objects.count()) == counts
    for role in Role.values:
        holders = Membership.objects.filter(role=role).select_related("organization")
        assert holders.count() >= 2, role
        one_organisation = (Role.PROVINCIAL_OFFICER, Role.FUND_OFFICER)  # 省商务厅; 市商务局 runs the fund
        assert len({m.organization_id for m in holders}) >= 2 or role in one_organisation, role
    # Parks in cities of both Guangdong classes.
    parks = Organization.objects.filter(kind="park")
    assert {p.region.provincial_class for p in parks} == {"prd", "ewn"}
    assert all(len(o.credit_code) == 18 for o in Organization.objects.exclude(credit_code=""))


@pytest.mark.django_db
def test_load_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not User.objects.exists()


def _po_entries():
    text = PO.read_text(encoding="utf-8")
    blocks = text.split("\n\n")[1:]
    for block in blocks:
        if "msgid" not in block or block.lstrip().startswith("#~"):
            continue
        fuzzy = "#, fuzzy" in block
        context = None
        if "msgctxt" in block:
            context = "".join(re.findall(r'"(.*)"', block.split("msgctxt", 1)[1].split("msgid")[0]))
        msgid = "".join(re.findall(r'"(.*)"', block.split("msgstr")[0].split("msgid", 1)[1].split("msgid_plural")[0]))
        msgstr = "".join(re.findall(r'"(.*)"', block.split("msgstr", 1)[1]))
        yield msgid, msgstr, fuzzy, context


def test_zh_hans_catalogue_is_complete():
    entries = list(_po_entries())
    assert entries
    missing = [mid for mid, mstr, fuzzy, _ctx in entries if not mstr or fuzzy]
    assert missing == []


def test_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as f:
        catalogue = gettext.GNUTranslations(f)
    def text(value: str) -> str:
        return value.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")

    for msgid, msgstr, _fuzzy, context in _po_entries():
        if "msgid_plural" in msgid or not msgstr:
            continue
        got = catalogue.pgettext(context, text(msgid)) if context else catalogue.gettext(text(msgid))
        assert got == text(msgstr), msgid
