"""Reading the expert pool from an .xlsx file: one row per expert, checked before anything is saved."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from portal.accounts.models import Region
from portal.accounts.validators import validate_phone
from review.models import Specialty

# Column headers accepted in the first row (Chinese as in the template, or the English keys).
COLUMNS = {
    "用户名": "username", "姓名": "full_name", "职称": "title", "工作单位": "employer_name",
    "所在城市": "region", "专业领域": "specialties", "手机": "phone", "邮箱": "email",
    "最大评审数": "max_load", "是否启用": "is_active", "声明关联单位": "declared_relations",
}
TEMPLATE_HEADERS = list(COLUMNS)
MAX_ROWS = 2000
MAX_FILE_BYTES = 10 * 1024 * 1024


def specialty_lookup() -> dict[str, str]:
    """Specialty names in Chinese or English, or the keys, to the keys."""
    from django.utils import translation

    lookup = {value: value for value in Specialty.values}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            lookup.update({str(label): value for value, label in Specialty.choices})
    return lookup

TRUE = {"是", "启用", "1", "true", "yes", "y"}
FALSE = {"否", "停用", "0", "false", "no", "n"}


def read_xlsx(file) -> list[dict]:
    """Rows as dicts keyed by the English keys. Raises ValidationError for an unreadable file."""
    from openpyxl import load_workbook

    from applications.filetypes import check_upload, safe_display_name

    # The same content checks as dossier files: a real XLSX, no zip bomb, at most 10 MB.
    kind, _digest = check_upload(file, name=safe_display_name(getattr(file, "name", "") or "experts.xlsx"),
                                 max_bytes=MAX_FILE_BYTES)
    if kind != "xlsx":
        raise ValidationError(_("Upload the expert list as an .xlsx workbook."), code="bad_type")
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the user's file
        raise ValidationError(_("The file could not be read as an .xlsx workbook."), code="bad_file") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise ValidationError(_("The workbook is empty."), code="empty")
    keys = [COLUMNS.get(str(h).strip(), str(h).strip()) if h is not None else "" for h in header]
    missing = [h for h, key in COLUMNS.items() if key in ("username", "full_name", "employer_name")
               and key not in keys]
    if missing:
        raise ValidationError(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)},
                              code="columns")
    result = []
    for values in rows:
        if values is None or all(v in (None, "") for v in values):
            continue
        result.append({key: ("" if v is None else str(v).strip()) for key, v in zip(keys, values, strict=False)
                       if key})
        if len(result) > MAX_ROWS:
            raise ValidationError(_("At most %(n)s experts per file.") % {"n": MAX_ROWS}, code="too_many")
    workbook.close()
    return result


def check_expert_row(row: dict) -> tuple[dict, list[str]]:
    errors: list[str] = []
    username = row.get("username", "").strip()
    if not username or len(username) > 150 or any(c.isspace() for c in username):
        errors.append(_("The username is missing or contains spaces."))
    full_name = row.get("full_name", "").strip()
    if not full_name or len(full_name) > 60:
        errors.append(_("The name is missing or too long."))
    employer = row.get("employer_name", "").strip()
    if not employer or len(employer) > 120:
        errors.append(_("The employer is missing or too long."))
    email = row.get("email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("The email address is not valid."))
    phone = row.get("phone", "").strip()
    if phone:
        try:
            validate_phone(phone)
        except ValidationError:
            errors.append(_("The phone number is not valid."))
    region = None
    region_name = row.get("region", "").strip()
    if region_name:
        region = Region.objects.filter(name=region_name).first() or Region.objects.filter(
            name=region_name + "市").first() or Region.objects.filter(code=region_name).first()
        if region is None:
            errors.append(_("Unknown city: %(city)s.") % {"city": region_name})
    specialties = []
    known = specialty_lookup()
    for part in row.get("specialties", "").replace("，", "、").replace(",", "、").split("、"):
        part = part.strip()
        if not part:
            continue
        if part not in known:
            errors.append(_("Unknown specialty: %(s)s.") % {"s": part})
        else:
            specialties.append(known[part])
    max_load = 20
    if row.get("max_load", "").strip():
        try:
            max_load = int(float(row["max_load"]))
            if not 1 <= max_load <= 500:
                raise ValueError
        except (ValueError, OverflowError):
            errors.append(_("The maximum load must be a whole number from 1 to 500."))
    active_raw = row.get("is_active", "").strip().lower()
    if active_raw and active_raw not in TRUE | FALSE:
        errors.append(_("“Active” must be 是 or 否."))
    values = {
        "username": username, "full_name": full_name, "employer_name": employer, "email": email,
        "phone": phone, "region": region, "specialties": specialties, "title": row.get("title", "")[:60],
        "max_load": max_load, "is_active": active_raw not in FALSE,
        "declared_relations": row.get("declared_relations", "").replace("、", "\n").replace("；", "\n"),
    }
    return values, errors
